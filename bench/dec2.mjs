import sharp from 'sharp';
import { readFileSync } from 'node:fs';
const files = Array.from({length: 90}, (_, i) => readFileSync(`models/signs/samples/frame_${String(i).padStart(3,'0')}.jpg`));
const variant = process.argv[2];
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let k = 0; k < 3; k++) for (const f of files) {
    if (variant === 'meta') await sharp(f).metadata();
    else if (variant === 'yuv') await sharp(f).extractChannel(0).raw().toBuffer();
    else if (variant === 'png') await sharp(f).raw().toBuffer();
    else await sharp(f).removeAlpha().raw().toBuffer();
  }
  const c = process.cpuUsage(c0);
  console.log(variant, 'ms/frame wall', ((performance.now()-t0)/270).toFixed(3), 'cpu', ((c.user+c.system)/1000/270).toFixed(3));
}
