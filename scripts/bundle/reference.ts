/** `du -sh /opt/edgecam` after deploy/install.sh without a bundle (npm ci --omit=dev), on x64, before onnxruntime-web was added. */
export const INSTALLED_BEFORE = '727 MiB';
/** What an install from a bundle should stay under on a linux-arm64 board. */
export const INSTALLED_GOAL = '200 MiB';
