import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CheckResult, fail, ok, warn } from './check.js';

/**
 * The board under edgecam: its CPU architecture (what onnxruntime-node has builds for) and the
 * Node.js that runs it (package.json "engines", and deploy/install.sh's check).
 */

/** The oldest Node edgecam runs on: package.json's engines field says the same (a test checks). */
export const MIN_NODE = { major: 20, minor: 9 } as const;

/** The architectures onnxruntime-node ships a Linux build for (its bin/napi-v6/linux/ folders). */
const ORT_ARCHES = ['x64', 'arm64'];

const NODE_FIX =
  'install Node.js 20 or newer, e.g. from NodeSource: curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh && sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs';

export interface PlatformFacts {
  /** process.arch: x64, arm64, arm, ... */
  readonly arch: string;
  /** os.machine(): what the kernel runs (aarch64 under a 32-bit userland on a Pi 4 with a 64-bit kernel). */
  readonly machine: string;
  /** process.versions.node */
  readonly nodeVersion: string;
  /** process.execPath */
  readonly execPath: string;
  /** Where the device tree's model line is read (/proc), for the board's name. */
  readonly procRoot: string;
}

/**
 * The architecture, with the board's name where the device tree has one (a Pi, a Jetson).
 * @example await checkArch({ arch: 'arm64', machine: 'aarch64', procRoot: '/proc', ... })
 */
export async function checkArch(facts: PlatformFacts): Promise<CheckResult> {
  const board = await boardModel(facts.procRoot);
  const found = `${facts.arch} (${[board, `kernel ${facts.machine}`].filter(Boolean).join(', ')})`;
  if (ORT_ARCHES.includes(facts.arch)) return ok('arch', found);
  if (facts.arch === 'arm') {
    const kernel64 = facts.machine === 'aarch64' || facts.machine === 'arm64';
    return warn(
      'arch',
      `${found}: 32-bit ARM${kernel64 ? ' user space on a 64-bit kernel' : ''}, for which onnxruntime-node has no build`,
      kernel64
        ? 'this board runs 64-bit: install the 64-bit OS (Raspberry Pi OS 64-bit) to run ONNX models natively; until then they run on WebAssembly (onnxruntime-web, several times slower), as TensorFlow.js models (backend: tfjs) do'
        : 'ONNX models run here on WebAssembly (onnxruntime-web, several times slower), as TensorFlow.js models (backend: tfjs) do; a 64-bit board and OS run ONNX models natively',
    );
  }
  return warn(
    'arch',
    `${found}: onnxruntime-node has Linux builds for x64 and arm64 only`,
    'ONNX models run here on WebAssembly (onnxruntime-web, several times slower), as TensorFlow.js models (backend: tfjs) do; an x64 or arm64 machine runs them natively',
  );
}

/**
 * Node's version against MIN_NODE, and whether the systemd unit can run this Node at all.
 * @example checkNode({ nodeVersion: '18.19.0', ... }).status // 'fail'
 */
export function checkNode(facts: Pick<PlatformFacts, 'nodeVersion' | 'execPath'>): CheckResult {
  const [major = 0, minor = 0] = facts.nodeVersion.split('.').map(Number);
  const found = `Node ${facts.nodeVersion} at ${facts.execPath}`;
  if (major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor)) {
    return fail('node', `${found}: edgecam needs ${MIN_NODE.major}.${MIN_NODE.minor} or newer`, NODE_FIX);
  }
  // systemd/edgecam.service has ProtectHome=yes: a Node that nvm put under a home folder cannot start.
  if (/^\/(home|root)\//.test(facts.execPath)) {
    return warn(
      'node',
      `${found}: in a home folder, which the systemd unit (ProtectHome=yes) cannot read`,
      `fine for trying edgecam by hand; for the service, ${NODE_FIX}`,
    );
  }
  return ok('node', found);
}

/** The device tree's model line ("Raspberry Pi 5 Model B Rev 1.0"), or '' where there is none (x86). */
async function boardModel(procRoot: string): Promise<string> {
  try {
    // The device tree writes it NUL-terminated.
    return (await readFile(join(procRoot, 'device-tree', 'model'), 'utf8')).replace(/\0/g, '').trim();
  } catch {
    // No device tree (a PC, a container): the board has no model line to show.
    return '';
  }
}
