/**
 * `edgecam doctor`: what a board offers edgecam and what it lacks, each with its fix. One file
 * per group of checks (platform, CPU features, ONNX Runtime, Vulkan, cameras, ffmpeg, memory and
 * disk, board sensors, network); every check reads the board through roots and programs passed
 * in, so tests drive them with fixture trees.
 */
export { type CheckResult, fail, ok, STATUSES, type Status, warn } from './check.js';
export { boardOptions, type DoctorOptions, runDoctor } from './doctor.js';
export { type DoctorReport, doctorReport, formatReport } from './report.js';
