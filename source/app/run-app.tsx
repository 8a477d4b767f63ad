import {EventEmitter} from 'node:events';
import {render} from 'ink';
import type {ConfigPaths} from '../core/config/paths.js';
import type {Logger} from '../core/log.js';
import {reportCrash} from './crash-report.js';
import {App} from './App.js';
import {describePrefixKey, InputRouter, parsePrefixKey} from './input/input-router.js';
import {VirtualStdin} from './input/virtual-stdin.js';
import {enterFullScreen} from './screen/full-screen.js';
import {SettingsStore} from '../core/profiles/settings-store.js';
import {buildServices} from './services/build-services.js';

export interface RunOptions {
	paths: ConfigPaths;
	logger: Logger;
	demo: boolean;
	prefix?: string;
	labTopology?: string;
	/** `--tenant`: sign in to this Microsoft Entra tenant. */
	tenant?: string;
}

/**
 * Full-screen bootstrap: builds the services, takes over the terminal, renders the App, and makes sure
 * every way out (quit, signals, crash) puts the terminal back the way it was.
 */
export async function runApp(options: RunOptions): Promise<number> {
	const {stdin, stdout} = process;
	const settings = new SettingsStore(options.paths.dir);
	let prefixByte: number;
	try {
		prefixByte = parsePrefixKey(options.prefix ?? settings.settings.prefixKey);
	} catch (error) {
		process.stderr.write(`vmux: ${(error as Error).message}\n`);
		return 2;
	}
	const commands = new EventEmitter<{command: [string]}>();
	const appStdin = new VirtualStdin();
	const router = new InputRouter(appStdin, prefixByte, key => commands.emit('command', key));

	let services;
	try {
		services = await buildServices({...options, settings, router, commands, prefixLabel: describePrefixKey(prefixByte)});
	} catch (error) {
		process.stderr.write(`vmux: ${(error as Error).message}\n`);
		return 1;
	}

	const screen = enterFullScreen(stdin, stdout);
	let finish: (code: number) => void = () => {};
	const done = new Promise<number>(resolve => (finish = resolve));
	let exiting = false;
	const shutdown = async (code: number) => {
		if (exiting) return;
		exiting = true;
		painter.dispose();
		try {
			instance.unmount();
		} catch {
			// Already unmounted.
		}
		screen.restore();
		stdin.off('data', onData);
		stdin.pause();
		await services.dispose().catch(() => {});
		finish(code);
	};
	const onData = (chunk: Buffer) => router.feed(chunk);
	stdin.on('data', onData);
	stdin.resume();

	const crash = (error: unknown) => {
		options.logger.error('uncaught', error);
		screen.restore();
		const file = reportCrash(error, options.paths, options.logger);
		process.stderr.write(`vmux stopped after an unexpected error: ${(error as Error)?.message ?? String(error)}\nDetails were written to ${file}\n`);
		process.exit(70);
	};
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	const signals: Array<[NodeJS.Signals, number]> = [
		['SIGINT', 130],
		['SIGTERM', 143],
		['SIGHUP', 129],
	];
	for (const [signal, code] of signals) process.on(signal, () => void shutdown(code).then(() => process.exit(code)));
	process.on('exit', () => screen.restore());

	services.app.quit = () => void shutdown(0);
	// Ink rewrote some rows of the screen: the pane repaints whatever Ink may have drawn over.
	const painter = services.app.painter;
	const instance = render(<App services={services.app} />, {
		stdin: appStdin as unknown as NodeJS.ReadStream,
		stdout,
		exitOnCtrlC: false,
		patchConsole: false,
		incrementalRendering: true,
		maxFps: services.app.maxFps,
		onRender: () => painter.invalidate(),
	});
	return done;
}
