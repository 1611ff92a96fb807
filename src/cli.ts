#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { checkConfigCommand } from './cli/config-commands.js';
import { applyKernels, listKernels, writeEdgeMap } from './cli/kernel-commands.js';
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
    .exitOverride();

  const config = program.command('config').description('check the configuration');
  config
    .command('check [file]')
    .description('print every problem in a config file (with env overrides) at once; exit 78 when bad')
    .action(async (file: string | undefined) => {
      const { output, ok } = await checkConfigCommand(file ?? program.opts().config);
      process.stdout.write(output);
      if (!ok) process.exitCode = EXIT_CONFIG;
    });

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
  return program;
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
