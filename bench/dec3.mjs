import sharp from 'sharp';
import { readFileSync } from 'node:fs';
const files = Array.from({length: 90}, (_, i) => readFileSync(`models/signs/samples/frame_${String(i).padStart(3,'0')}.jpg`));
for (let k = 0; k < 30; k++) for (const f of files) await sharp(f).removeAlpha().raw().toBuffer();
