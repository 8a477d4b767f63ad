import {afterAll, describe, expect, it} from 'vitest';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {HostKeyPolicy} from '../../source/core/session/host-key-policy.js';
import {KnownHosts, fingerprintSha256} from '../../source/core/session/known-hosts.js';
import type {HostKeyDecision, HostKeyInfo, Prompter} from '../../source/core/session/types.js';
import {readLabAsset} from '../../source/lab/assets.js';
import {readLabUserKey} from '../helpers/lab-credentials.js';

/**
 * Generated corpus: servers that change their host keys between connects, in any order, against every
 * answer a user can give. The policy must behave like a known_hosts that also holds the keys accepted
 * once: a different key of a type already trusted (on file or once) is refused as CHANGED, naming both
 * fingerprints, without asking; only a key of a new type is asked about. Refusals leave the file untouched.
 */

const blobOf = (line: string) => Buffer.from(line.trim().split(' ')[1]!, 'base64');
const KEYS = [
	...['jump-01', 'changed', 'web-01', 'db-01', 'app-01'].map(name => ({type: 'ssh-ed25519', blob: blobOf(readLabAsset(`hostkeys/${name}.pub`).toString())})),
	{type: 'ssh-rsa', blob: blobOf(readLabUserKey('demo_rsa.pub').toString())},
];
const HOSTS = [
	{host: '10.0.0.4', port: 22},
	{host: '127.0.0.1', port: 2222},
];
const DECISIONS: HostKeyDecision[] = ['accept-once', 'accept-save', 'reject'];

const event = fc.record({host: fc.nat(HOSTS.length - 1), key: fc.nat(KEYS.length - 1), decision: fc.constantFrom(...DECISIONS)});

class CountingPrompter implements Prompter {
	asked: HostKeyInfo[] = [];
	decision: HostKeyDecision = 'reject';
	async confirmUnknownHostKey(info: HostKeyInfo): Promise<HostKeyDecision> {
		this.asked.push(info);
		return this.decision;
	}
	async askSecret(): Promise<string | undefined> {
		return undefined;
	}
}

describe('host keys corpus: keys that change between connects (generated)', () => {
	const dirs: string[] = [];
	afterAll(() => {
		for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
	});

	it('asks only about new key types; any other change is refused as CHANGED with both fingerprints; refusals leave known_hosts byte for byte', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(event, {minLength: 1, maxLength: 12}), async events => {
				const dir = mkdtempSync(join(tmpdir(), 'vmux-hostkeys-corpus-'));
				dirs.push(dir);
				const file = join(dir, 'known_hosts');
				const policy = new HostKeyPolicy(new KnownHosts({configDir: dir, userFile: null}));
				const prompter = new CountingPrompter();
				// The model: what is trusted per host, on file and for this run only.
				const saved = HOSTS.map(() => [] as typeof KEYS);
				const once = HOSTS.map(() => [] as typeof KEYS);
				for (const {host: h, key: k, decision} of events) {
					const {host, port} = HOSTS[h]!;
					const key = KEYS[k]!;
					const before = existsSync(file) ? readFileSync(file) : undefined;
					const askedBefore = prompter.asked.length;
					prompter.decision = decision;
					const started = Date.now();
					const outcome = await policy.verify(host, port, key.blob, prompter);
					expect(Date.now() - started).toBeLessThan(2000);
					// In the policy's order: the file first (match, then a rival of the same type), then this run's keys.
					const sameType = (list: typeof KEYS) => list.filter(t => t.type === key.type && !t.blob.equals(key.blob));
					const fileRivals = sameType(saved[h]!);
					const onceRivals = sameType(once[h]!);
					const known = [...saved[h]!, ...once[h]!].some(t => t.blob.equals(key.blob));
					if (known && fileRivals.length === 0) {
						expect(outcome).toEqual({ok: true});
						expect(prompter.asked.length).toBe(askedBefore);
					} else if (fileRivals.length > 0 || onceRivals.length > 0) {
						expect(outcome.ok).toBe(false);
						if (outcome.ok) return;
						const fromFile = fileRivals.length > 0;
						expect(outcome.kind).toBe(fromFile ? 'changed' : 'changed-this-run');
						expect(outcome.reason).toContain('CHANGED');
						expect(outcome.reason).toContain(fingerprintSha256(key.blob));
						for (const old of fromFile ? fileRivals : onceRivals) expect(outcome.reason).toContain(fingerprintSha256(old.blob));
						if (fromFile) expect(outcome.reason).toMatch(/ssh-keygen -R/);
						expect(prompter.asked.length).toBe(askedBefore);
					} else {
						expect(prompter.asked.length).toBe(askedBefore + 1);
						expect(prompter.asked.at(-1)).toMatchObject({host, port, fingerprint: fingerprintSha256(key.blob)});
						if (decision === 'reject') expect(outcome).toMatchObject({ok: false, kind: 'rejected'});
						else expect(outcome).toEqual({ok: true});
						if (decision === 'accept-once') once[h]!.push(key);
						if (decision === 'accept-save') saved[h]!.push(key);
					}
					if (!outcome.ok) expect(existsSync(file) ? readFileSync(file) : undefined).toEqual(before);
				}
			}),
			{seed: 42, numRuns: 100},
		);
	});
});
