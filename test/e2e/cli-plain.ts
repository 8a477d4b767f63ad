import {spawn} from 'node:child_process';
import {CLI} from './pty-driver.js';

/** Runs the built vmux without a terminal (a script's view), collecting stdout and stderr apart. */
export function runPlain(args: string[], options: {input?: string; timeoutMs?: number} = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((resolve, reject) => {
		const env = {...process.env};
		delete env.CI;
		delete env.VITEST;
		delete env.NODE_ENV;
		const child = spawn(process.execPath, [CLI, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`vmux ${args.join(' ')} did not exit. stdout: ${stdout} stderr: ${stderr}`));
		}, options.timeoutMs ?? 60_000);
		child.on('exit', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}
