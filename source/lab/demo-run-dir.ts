import {lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {LabCredentials} from './credentials.js';
import {removeOwnTempDir} from './remove-own-temp-dir.js';

/** The prefix of every demo run's directory under the OS temp dir (also how a stale demo key path is recognised). */
export const DEMO_RUN_DIR_PREFIX = 'vmux-demo-';
/** The demo key's file name inside a run's directory (the demo profile jump-01 uses it). */
export const DEMO_KEY_FILE = 'demo_ed25519';

/**
 * One demo run's private files: a fresh `mkdtemp` directory (0700, a name nobody can predict or plant in)
 * holding the run's key file and one scratch home per VM shell. Removed when the demo stops, and on any
 * process exit (crash, signal handled by the app, `process.exit`) as a last resort.
 */
export interface DemoRunDir {
	root: string;
	/** The run's private key as a file (0600), for key-file profiles. */
	keyPath: string;
	/** A new home directory (0700) inside the run's tree for the VM's shells; any VM name stays inside. */
	homeFor(vmName: string): string;
	/** Deletes the whole tree; safe to call twice. */
	remove(): void;
}

/**
 * `credentials` omitted: the key file is written later, by whoever makes the key (`writeDemoKey`: the lab's worker
 * thread), at `keyPath`.
 */
export function createDemoRunDir(credentials: LabCredentials | undefined, parent = tmpdir()): DemoRunDir {
	removeAbandonedRunDirs(parent);
	// mkdtemp creates the directory itself with mode 0700 and a random suffix: it cannot already exist. The pid
	// in the name lets a later run remove it if this process is killed (SIGKILL) before it can clean up.
	const prefix = `${DEMO_RUN_DIR_PREFIX}${process.pid}-`;
	const root = mkdtempSync(join(parent, prefix));
	let removed = false;
	const remove = () => {
		if (removed) return;
		removed = true;
		process.off('exit', remove);
		removeOwnTempDir(root, parent, prefix);
	};
	process.on('exit', remove);
	try {
		const keyPath = join(root, DEMO_KEY_FILE);
		if (credentials) writeDemoKey(root, credentials.privateKey);
		mkdirSync(join(root, 'homes'), {mode: 0o700});
		return {root, keyPath, homeFor: vmName => demoHomeFor(root, vmName), remove};
	} catch (error) {
		remove();
		throw error;
	}
}

/** Writes the run's private key into the run directory `root` (0600, never over an existing file); returns its path. */
export function writeDemoKey(root: string, privateKey: string): string {
	const keyPath = join(root, DEMO_KEY_FILE);
	writeFileSync(keyPath, privateKey, {mode: 0o600, flag: 'wx'});
	return keyPath;
}

/**
 * A new home directory (0700) for a VM's shells inside the run directory `root` (also from the lab's worker
 * thread, which gets only the path): any VM name stays inside.
 */
export function demoHomeFor(root: string, vmName: string): string {
	return mkdtempSync(join(root, 'homes', `${safeDirName(vmName)}-`));
}

/**
 * A VM name as one path segment: VM names come from a topology file, and `../../tmp/x` must not leave the tree.
 * mkdtemp's random suffix keeps two VMs of the same name (in different resource groups) apart.
 */
export function safeDirName(name: string): string {
	const safe = name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
	return safe === '' ? 'vm' : safe;
}

const RUN_DIR_NAME = new RegExp(`^${DEMO_RUN_DIR_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/**
 * Removes the run directories of demos that ended without cleaning up (killed with SIGKILL, power loss): only
 * real directories (not symlinks) owned by this user whose process is gone. Another user's, or a live demo's,
 * are never touched. Returns what it removed.
 */
export function removeAbandonedRunDirs(parent = tmpdir()): string[] {
	const removed: string[] = [];
	let names: string[];
	try {
		names = readdirSync(parent);
	} catch {
		return removed;
	}
	for (const name of names) {
		const pid = Number(RUN_DIR_NAME.exec(name)?.[1]);
		if (!pid || processAlive(pid)) continue;
		const path = join(parent, name);
		try {
			const stat = lstatSync(path);
			if (!stat.isDirectory() || stat.uid !== process.getuid?.()) continue;
			if (removeOwnTempDir(path, parent, `${DEMO_RUN_DIR_PREFIX}${pid}-`)) removed.push(path);
		} catch {
			// Gone already, or not ours to remove.
		}
	}
	return removed;
}

function processAlive(pid: number): boolean {
	if (pid === process.pid) return true;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, as another user's process.
		return (error as NodeJS.ErrnoException).code !== 'ESRCH';
	}
}
