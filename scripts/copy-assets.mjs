// Copies the non-TypeScript files the built app needs (lab credentials and topology) into dist/,
// and makes the bin executable.
import {cpSync, chmodSync, existsSync, readdirSync} from 'node:fs';

cpSync('source/lab/assets', 'dist/lab/assets', {recursive: true});
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);

// Git checks files out 0644; the lab's private keys are used as key files (the demo's jump-01 profile),
// and OpenSSH and vmux rightly warn about keys other users can read.
for (const folder of ['dist/lab/assets/users', 'dist/lab/assets/hostkeys']) {
	for (const name of readdirSync(folder)) if (!name.endsWith('.pub')) chmodSync(`${folder}/${name}`, 0o600);
}
