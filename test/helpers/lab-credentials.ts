import {chmodSync, readFileSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {LAB_USERNAME, type LabCredentials} from '../../source/lab/credentials.js';

export {LAB_USERNAME};

/**
 * Fixed credentials for tests that build a lab themselves. vmux ships none of these: `--demo` makes its own per
 * run (source/lab/credentials.ts). The keys are in test/fixtures/lab-users (scripts/make-lab-credentials.sh).
 */
export const LAB_PASSWORD = 'Demo-Passw0rd!';

export function labUserKeyPath(name: string): string {
	const path = fileURLToPath(new URL(`../fixtures/lab-users/${name}`, import.meta.url));
	// A git checkout gives every file 0644; OpenSSH and vmux warn about private keys others can read.
	if (!name.endsWith('.pub') && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	return path;
}

export function readLabUserKey(name: string): Buffer {
	return readFileSync(labUserKeyPath(name));
}

export const TEST_LAB_CREDENTIALS: LabCredentials = {
	username: LAB_USERNAME,
	password: LAB_PASSWORD,
	privateKey: readLabUserKey('demo_ed25519').toString('utf8'),
	publicKey: readLabUserKey('demo_ed25519.pub').toString('utf8').trim(),
};
