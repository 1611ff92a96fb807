import sharp from 'sharp';
import { readFileSync } from 'node:fs';
const files = Array.from({length: 90}, (_, i) => readFileSync(`models/signs/samples/frame_${String(i).padStart(3,'0')}.jpg`));
if (process.env.NOCACHE) sharp.cache(false);
if (process.env.C) sharp.concurrency(Number(process.env.C));
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let k = 0; k < 3; k++) for (const f of files) await sharp(f, { failOn: 'truncated' }).removeAlpha().resize(640, 480, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer();
  const c = process.cpuUsage(c0);
  console.log(process.env.NOCACHE ?? '-', process.env.C ?? '-', 'ms/frame wall', ((performance.now()-t0)/270).toFixed(3), 'cpu', ((c.user+c.system)/1000/270).toFixed(3));
}
