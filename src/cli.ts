#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { probeCommand, snapshotCommand } from './cli/capture-commands.js';
import { checkConfigCommand } from './cli/config-commands.js';
import { doctorCommand } from './cli/doctor-command.js';
import { applyKernels, listKernels, writeEdgeMap } from './cli/kernel-commands.js';
import {
  type EvalFlags,
  evalModelCommand,
  inspectModelCommand,
  type ModelRunFlags,
  type QuantizeFlags,
  quantizeModelCommand,
  runModelCommand,
} from './cli/model-commands.js';
import { runCommand } from './cli/run-command.js';
import { EdgecamError } from './errors.js';

/** sysexits.h EX_CONFIG: systemd's RestartPreventExitStatus keeps a bad config from looping. */
export const EXIT_CONFIG = 78;

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function buildProgram(): Command {
  const program = new Command('edgecam')
    .description('A vision sensor daemon: camera frames, convolution kernels, a quantized CNN, MQTT out.')
    .version(pkg.version)
    .option('-c, --config <file>', 'configuration file (default: the packaged config/default.yaml)')
    .showHelpAfterError('(run edgecam --help for usage)')
    .addHelpText(
      'after',
      '\nOn a new board, run `edgecam doctor` first: it says what the board offers edgecam and what is missing, with the fix.',
    )
    .exitOverride();

  addRunCommand(program);
  addConfigCommands(program);
  addDoctorCommand(program);
  addCaptureCommands(program);
  addKernelCommands(program);
  addModelCommands(program);
  return program;
}

/** `edgecam run`: the daemon in the foreground. */
function addRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the daemon: cameras, kernels, models, MQTT, health and the live view (SIGHUP reloads)')
    .option('-c, --config <file>', 'configuration file (default: the packaged config/default.yaml)')
    .option('--set <key=value>', 'override a config key, e.g. --set http.port=9000 (repeatable)', collect, [])
    .option(
      '--announce',
      'first print the live-view URL and a mosquitto_sub command as plain lines on stdout (npm start does)',
    )
    .action(async (flags: { config?: string; set: string[]; announce?: boolean }) => {
      process.exitCode = await runCommand(flags.config ?? program.opts().config, flags.set, {
        announce: flags.announce === true,
      });
    });
}

/** `edgecam config check`. */
function addConfigCommands(program: Command): void {
  const config = program.command('config').description('check the configuration');
  config
    .command('check [file]')
    .description('print every problem in a config file (with env overrides) at once; exit 78 when bad')
    .action(async (file: string | undefined) => {
      const { output, ok, warnings } = await checkConfigCommand(file ?? program.opts().config);
      process.stdout.write(output);
      if (warnings !== undefined) process.stderr.write(warnings);
      if (!ok) process.exitCode = EXIT_CONFIG;
    });
}

/** `edgecam doctor`: what this board offers edgecam, and what it lacks. */
function addDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this board for edgecam: Node, ONNX Runtime and its providers, int8 CPU features, cameras, ffmpeg, memory, disk, temperature, the broker and the HTTP port; each warning and failure with its fix; exit 1 when one failed',
    )
    .option('-c, --config <file>', 'configuration file (default: the packaged config/default.yaml)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { config?: string; json?: boolean }) => {
      const { output, ok } = await doctorCommand(flags.config ?? program.opts().config, flags);
      process.stdout.write(output);
      if (!ok) process.exitCode = 1;
    });
}

/** `edgecam capture probe|snapshot`. */
function addCaptureCommands(program: Command): void {
  const capture = program.command('capture').description('cameras: what they offer, and a frame from one');
  capture
    .command('probe [devices...]')
    .description('list V4L2 cameras (/dev/video*) with their formats, sizes and frame rates')
    .action(async (devices: string[]) => {
      process.stdout.write(await probeCommand(devices));
    });
  capture
    .command('snapshot <out>')
    .description('write one frame from a configured camera to OUT (.jpg, .png)')
    .requiredOption('--camera <id>', 'the camera id from the config')
    .option('--timeout <seconds>', 'give up when no frame came in this long', '20')
    .action(async (out: string, flags: { camera: string; timeout: string }) => {
      console.log(await snapshotCommand(program.opts().config, flags.camera, out, Number(flags.timeout)));
    });
}

/** `edgecam kernel list|apply|edges`. */
function addKernelCommands(program: Command): void {
  const kernel = program.command('kernel').description('the convolution kernel engine');
  kernel
    .command('list')
    .description('print every named kernel with its matrix')
    .action(() => {
      process.stdout.write(listKernels());
    });
  kernel
    .command('apply <in> <out>')
    .description('apply kernels to an image; OUT.png (8-bit) or OUT.f32 (raw Float32 + OUT.f32.json)')
    .option('-k, --kernel <names>', 'kernel names, comma-separated, applied left to right')
    .option('--kernel-file <file>', 'a JSON kernel: {"name": "...", "weights": [[...]], "normalize": false}')
    .option('--gray', 'convert the image to one gray channel first')
    .option('--mode <mode>', 'convolve (flip the kernel) or correlate', 'convolve')
    .option('--padding <p>', 'valid, zero, edge, reflect, full, or a whole number P', 'zero')
    .option('--stride <n>', 'step between output pixels', '1')
    .option('--output <policy>', '8-bit policy: clamp, abs or scale (min..max to 0..255)', 'clamp')
    .action(async (input: string, output: string, flags: Record<string, string | boolean | undefined>) => {
      console.log(await applyKernels(input, output, flags));
    });
  kernel
    .command('edges <in> <out>')
    .description('write the Sobel gradient magnitude of an image as an 8-bit edge map')
    .option('--norm <norm>', 'L1 (|gx| + |gy|) or L2 (sqrt(gx^2 + gy^2))', 'L2')
    .option('--threshold <t>', 'pixels >= t become 255, the rest 0')
    .option('--blur <kernel>', 'smooth first, e.g. gaussian5')
    .action(async (input: string, output: string, flags: Record<string, string | undefined>) => {
      console.log(await writeEdgeMap(input, output, flags));
    });
}

/** `edgecam model inspect|run`, and the offline tools (quantize, eval). */
function addModelCommands(program: Command): void {
  const model = program
    .command('model')
    .description('CNN models: inspect, run on an image, quantize to int8, evaluate on labelled images');
  model
    .command('inspect <path>')
    .description(
      "print an ONNX model's inputs, outputs, opset and operators, and its manifest's mismatches (exit 1)",
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--accelerator <name>',
      'also load the package on auto, cpu, cuda, tensorrt, webgpu or wasm and report where it runs (provider, GPU adapter)',
    )
    .action(async (path: string, flags: { json?: boolean; accelerator?: string }) => {
      const { output, ok } = await inspectModelCommand(path, flags);
      process.stdout.write(output);
      if (!ok) process.exitCode = 1;
    });
  model
    .command('run <path> <image>')
    .description('run a model package on an image and print the detections as JSON')
    .option('--out <file>', 'also write the image with boxes and labels drawn (.jpg, .png, .webp)')
    .option('--accelerator <name>', 'auto, cpu, cuda, tensorrt, webgpu or wasm', 'auto')
    .option('--threads <n>', 'ONNX Runtime threads; 0 = one per core', '0')
    .option('--backend <package>', 'a backend plug-in package (or its path) to run the model on instead')
    .action(async (path: string, image: string, flags: ModelRunFlags) => {
      process.stdout.write(await runModelCommand(path, image, flags));
    });
  addModelToolCommands(model);
}

/** `edgecam model quantize|eval`: making and scoring a model, offline. */
function addModelToolCommands(model: Command): void {
  model
    .command('quantize <in> <out>')
    .description(
      'quantize a float ONNX model to int8 (QDQ), calibrating on images; prints sizes and op counts',
    )
    .requiredOption('--calibration <dir>', 'a folder of images like the ones the model will see (100-500)')
    .option('--per-channel', 'one weight scale per output channel (best for depthwise convolutions)')
    .option('--exclude <ops>', 'op types or node names to keep in float, comma-separated (e.g. Resize)')
    .option('--manifest <file>', 'the model.json that says how images become tensors (default: beside IN)')
    .option('--max-images <n>', 'calibrate on at most N images')
    .action(async (input: string, output: string, flags: QuantizeFlags) => {
      process.stdout.write(await quantizeModelCommand(input, output, flags));
    });
  model
    .command('eval <path>')
    .description(
      'score a model package on labelled images (mAP and AP per class, or top-1/top-5 and a confusion matrix), on images without objects (false detections), or both',
    )
    .option(
      '--data <dir>',
      'YOLO folder (images/ + labels/) for detectors; a folder per class for classifiers',
    )
    .option(
      '--negatives <dir>',
      'images that show none of the objects (detectors): false detections and the lowest threshold within 1 per 100 images',
    )
    .option('--json <file>', 'also write the figures as JSON')
    .option('--plot <file>', 'also draw the precision-recall curves (PNG; detectors, --data)')
    .option('--min-score <s>', 'drop detections below this score before matching', '0.001')
    .option('--threads <n>', 'ONNX Runtime threads; 0 = one per core', '0')
    .option('--limit <n>', 'evaluate only the first N images (of each folder)')
    .action(async (path: string, flags: EvalFlags) => {
      process.stdout.write(await evalModelCommand(path, flags));
    });
}

/** Commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or the usage error.
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof EdgecamError) {
      process.stderr.write(`edgecam: ${err.message} [${err.code}]\n`);
      process.exitCode = err.code.startsWith('EDGECAM_ERR_CONFIG') ? EXIT_CONFIG : 1;
      return;
    }
    throw err;
  }
}

await main(process.argv);
