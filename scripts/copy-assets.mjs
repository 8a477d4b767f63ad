// Copies the non-TypeScript files the built app needs (lab credentials and topology) into dist/,
// and makes the bin executable.
import {cpSync, chmodSync, existsSync} from 'node:fs';

cpSync('source/lab/assets', 'dist/lab/assets', {recursive: true});
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
