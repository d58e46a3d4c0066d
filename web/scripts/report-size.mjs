// Prints the gzipped size of the JavaScript the first screen (sign-in) needs:
// the entry chunk plus its static imports, read from Vite's build manifest.
// Lazy (dynamic) imports are excluded: they load only after sign-in.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const budget = Number(process.env.FIRST_SCREEN_BUDGET_KB ?? 300);
let manifest;
try {
  manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, 'utf8'));
} catch {
  console.error('No dist/.vite/manifest.json: run `npm run build --workspace web` first.');
  process.exit(1);
}

const entry = Object.entries(manifest).find(([key, chunk]) => chunk.isEntry && key === 'index.html');
if (!entry) throw new Error('The manifest has no entry chunk.');

const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) visit(imported);
};
visit(entry[0]);

let raw = 0;
let gzipped = 0;
const rows = [];
for (const key of seen) {
  const file = manifest[key].file;
  const bytes = readFileSync(`${dist}${file}`);
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += gz;
  rows.push(`  ${file.padEnd(48)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KB  ${(gz / 1024).toFixed(1).padStart(7)} KB gz`);
}
const cssFiles = new Set([...seen].flatMap((key) => manifest[key].css ?? []));
const css = [...cssFiles].map((file) => gzipSync(readFileSync(`${dist}${file}`), { level: 9 }).length).reduce((a, b) => a + b, 0);

console.log('First-screen JavaScript (entry + static imports):');
console.log(rows.join('\n'));
console.log(`Total: ${(raw / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${budget} KB); CSS ${(css / 1024).toFixed(1)} KB gzipped`);
if (gzipped / 1024 > budget) {
  console.error(`Over budget by ${(gzipped / 1024 - budget).toFixed(1)} KB.`);
  process.exit(1);
}
