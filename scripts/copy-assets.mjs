// Copies the non-TypeScript files the built app needs (lab host keys, TLS and topology) into dist/,
// and makes the bin executable.
import {cpSync, chmodSync, existsSync, readdirSync, rmSync} from 'node:fs';

// Start clean: a file dropped from source/lab/assets (such as the user keys older versions shipped, which
// anyone on the machine could read) must not live on in dist/ from an earlier build.
rmSync('dist/lab/assets', {recursive: true, force: true});
cpSync('source/lab/assets', 'dist/lab/assets', {recursive: true});
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);

// Git checks files out 0644; OpenSSH rightly refuses host keys other users can read.
for (const folder of ['dist/lab/assets/hostkeys']) {
	for (const name of readdirSync(folder)) if (!name.endsWith('.pub')) chmodSync(`${folder}/${name}`, 0o600);
}
