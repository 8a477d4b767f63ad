import ssh2 from 'ssh2';

/**
 * One SSH login attempt against a lab server: 'ok' when it authenticated (and, with `command`, that command's
 * output), 'refused' when every offered credential was rejected. Bounded: a stuck server fails the test.
 */
export function tryLogin(options: {port: number; username?: string; password?: string; privateKey?: string | Buffer; command?: string}): Promise<{result: 'ok' | 'refused'; output: string}> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		const timer = setTimeout(() => {
			client.end();
			reject(new Error(`login to 127.0.0.1:${options.port} neither succeeded nor failed in 15 s`));
		}, 15_000);
		const done = (value: {result: 'ok' | 'refused'; output: string}) => {
			clearTimeout(timer);
			client.end();
			resolve(value);
		};
		client.on('ready', () => {
			if (!options.command) return done({result: 'ok', output: ''});
			client.exec(options.command, (error, stream) => {
				if (error) return reject(error);
				let output = '';
				stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
				stream.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
				stream.on('close', () => done({result: 'ok', output}));
			});
		});
		client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => options.password ?? '')));
		client.on('error', (error: Error & {level?: string}) => {
			if (error.level === 'client-authentication') done({result: 'refused', output: ''});
			else {
				clearTimeout(timer);
				reject(error);
			}
		});
		client.connect({
			host: '127.0.0.1',
			port: options.port,
			username: options.username ?? 'azureuser',
			...(options.password === undefined ? {} : {password: options.password}),
			...(options.privateKey === undefined ? {} : {privateKey: options.privateKey}),
			tryKeyboard: options.password !== undefined,
			hostVerifier: () => true,
			readyTimeout: 10_000,
		});
	});
}
