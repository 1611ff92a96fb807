/**
 * The boards a bundle can be built for: what npm installs for each (`npm ci --cpu --os --libc`)
 * and what edgecam can leave out there.
 */

/** A package the bundle leaves out, why, and how to add it back on the board. */
export interface LeftOut {
  readonly package: string;
  readonly why: string;
}

/** One target: a CPU and OS a bundle carries native binaries for. */
export interface BundleTarget {
  /** As named on the command line and in the file name: linux-arm64. */
  readonly name: string;
  /** npm's --cpu, and Node's process.arch on that board (arm on 32-bit ARM). */
  readonly cpu: 'x64' | 'arm64' | 'arm';
  /** The npm packages the bundle leaves out on this target. */
  readonly leftOut: readonly LeftOut[];
}

// Everywhere: TensorFlow.js is only for tfjs models (src/inference/tfjs.ts names the command that
// adds it), and install.sh installs Debian's ffmpeg, which capture finds on PATH before the static
// one (src/capture/programs.ts).
const EVERYWHERE: readonly LeftOut[] = [
  { package: '@tensorflow/tfjs', why: 'only tfjs models need it' },
  { package: '@tensorflow/tfjs-backend-wasm', why: 'only tfjs models need it' },
  { package: '@ffmpeg-installer/ffmpeg', why: "Debian's ffmpeg (installed by deploy/install.sh) is used" },
];

// onnxruntime-node has native builds for 64-bit CPUs only; onnxruntime-web (WebAssembly) is what
// 32-bit ARM runs ONNX models on (src/inference/onnx-runtime.ts).
const WEB_ONLY_ON_ARMV7: LeftOut = {
  package: 'onnxruntime-web',
  why: 'onnxruntime-node runs ONNX models on a 64-bit CPU; the WebAssembly build is for 32-bit ARM',
};

export const TARGETS: readonly BundleTarget[] = [
  { name: 'linux-x64', cpu: 'x64', leftOut: [...EVERYWHERE, WEB_ONLY_ON_ARMV7] },
  { name: 'linux-arm64', cpu: 'arm64', leftOut: [...EVERYWHERE, WEB_ONLY_ON_ARMV7] },
  {
    name: 'linux-armv7',
    cpu: 'arm',
    leftOut: [
      ...EVERYWHERE,
      { package: 'onnxruntime-node', why: 'it has no build for 32-bit ARM (onnxruntime-web runs there)' },
    ],
  },
];

/**
 * The target called `name`, or an error listing the ones there are.
 * @example findTarget('linux-arm64').cpu // 'arm64'
 */
export function findTarget(name: string): BundleTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) {
    throw new Error(`--target ${name}: use one of ${TARGETS.map((t) => t.name).join(', ')}`);
  }
  return target;
}
