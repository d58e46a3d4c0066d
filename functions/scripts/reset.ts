/**
 * `npm run reset`: wipes the local CRM's data folder, so the next `npm start`
 * seeds a fresh demo. Refuses while a CRM is running on that folder.
 *   --data-dir <dir>  default <repo>/.data, env CRM_DATA_DIR
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { lockHolder } from '../src/runtime/data-dir-lock.js';
import { defaultDataDir, REPO_ROOT } from '../src/runtime/runtime-constants.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
const dataDir = values['data-dir'] ? defaultDataDir({ CRM_DATA_DIR: values['data-dir'] }) : defaultDataDir();

if (dataDir === REPO_ROOT || dataDir === '/' || REPO_ROOT.startsWith(`${dataDir}/`)) {
  console.error(`Refusing to delete ${dataDir}: that is not a data folder.`);
  process.exit(1);
}
if (!existsSync(dataDir)) {
  console.log(`Nothing to reset: ${dataDir} does not exist.`);
  process.exit(0);
}
const holder = await lockHolder(dataDir);
if (holder !== null) {
  console.error(`A CRM is running on ${dataDir} (process ${holder}). Stop it (Ctrl-C) and run the reset again.`);
  process.exit(1);
}
await rm(dataDir, { recursive: true, force: true });
console.log(`Deleted ${dataDir}. The next \`npm start\` seeds a fresh demo.`);
