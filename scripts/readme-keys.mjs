// Rewrites README.md's key tables from the command table (source/core/commands), after `npm run build`.
// test/core/commands/help.test.ts fails while the README and the table disagree.
import {readFileSync, writeFileSync} from 'node:fs';
import {readmeWithKeyTables} from '../dist/core/commands/help-rows.js';
import {defaultKeymap} from '../dist/core/commands/keymap.js';

const before = readFileSync('README.md', 'utf8');
const after = readmeWithKeyTables(before, defaultKeymap());
if (after !== before) writeFileSync('README.md', after);
console.log(after === before ? 'README.md key tables are up to date.' : 'README.md key tables rewritten.');
