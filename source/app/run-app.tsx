import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import type {ConfigPaths} from '../core/config/paths.js';
import type {CachedInventory} from '../core/inventory/cache.js';
import type {Logger} from '../core/log.js';
import {displayText} from '../core/text/display-text.js';
import {reportCrash} from './crash-report.js';
import {describePrefixKey, InputRouter, parsePrefixKey} from './input/input-router.js';
import {VirtualStdin} from './input/virtual-stdin.js';
import {enterFullScreen} from './screen/full-screen.js';
import {DEMO_STARTING, paintSplash, paintStarting, type StartingSplash} from './screen/splash.js';
import {isTerminalGoneError, releaseDeadTerminal, standardTerminals, watchTerminal} from './screen/terminal-gone.js';
import {watchWrites} from './screen/watched-stdout.js';
import {setHintKeys} from '../core/commands/hint-keys.js';

// Only light modules are imported up front: Ink (WebAssembly layout), React, the Azure and SSH stacks and the
// views load after the first frame is on screen (screen/splash): the cached list, or what the demo is starting.
// The cache's reader (zod) loads only when there is a cache to read: the demo has none.

/** 128 + SIGHUP: how a program ends when its terminal hangs up. */
const SIGHUP_EXIT = 129;
/** How long the app's modules wait for the demo's first VM list before loading anyway (a slow lab on a busy machine). */
const FIRST_LIST_WAIT_MS = 3000;
/** How long closing the sessions may take on the way out before vmux exits anyway. */
const DISPOSE_TIMEOUT_MS = 3000;

/** After the terminal is put back: the crash file, one line naming it (no stack over the screen), exit 70. */
function exitAfterCrash(error: unknown, options: Pick<RunOptions, 'paths' | 'logger'>): never {
	const file = reportCrash(error, options.paths, options.logger);
	process.stderr.write(`vmux stopped after an unexpected error: ${displayText((error as Error)?.message ?? String(error), {multiline: true})}\nDetails were written to ${file}\n`);
	process.exit(70);
}

export interface RunOptions {
	paths: ConfigPaths;
	logger: Logger;
	demo: boolean;
	prefix?: string;
	labTopology?: string;
	/** `--tenant`: sign in to this Microsoft Entra tenant. */
	tenant?: string;
	/** The inventory cache as read for the first frame, so it is not read twice. */
	preloadedCache?: CachedInventory;
}

/**
 * Full-screen bootstrap: builds the services, takes over the terminal, renders the App, and makes sure
 * every way out (quit, signals, crash) puts the terminal back the way it was.
 */
export async function runApp(options: RunOptions): Promise<number> {
	const {stdin, stdout} = process;
	// First frame: the cached inventory, straight to the screen, before anything heavy loads.
	let screen: ReturnType<typeof enterFullScreen> | undefined;
	// The file is drawn as read (each listed field as text); its full check (zod, 100 ms to load) comes right after.
	const cacheFile = options.demo ? undefined : await import('../core/inventory/cache-file.js');
	const cacheRead = cacheFile?.readInventoryCacheFile(options.paths.dir, cacheTenantKey(options));
	const forSplash = cacheRead?.ok ? cacheFile?.splashInventory(cacheRead.json) : undefined;
	let starting: StartingSplash | undefined;
	if (stdout.rows >= 8 && stdout.columns >= 40) {
		if (forSplash) {
			screen = enterFullScreen(stdin, stdout);
			paintSplash(stdout, forSplash, 'Azure');
		} else if (options.demo) {
			screen = enterFullScreen(stdin, stdout);
			starting = paintStarting(stdout, DEMO_STARTING);
		}
	}
	const cached = cacheRead ? (await import('../core/inventory/cache.js')).loadInventoryCache(options.paths.dir, cacheTenantKey(options), {read: cacheRead}) : undefined;
	// The demo starts now: its lab in a worker thread, the Azure SDK here, then its first VM list, drawn the moment
	// it arrives. The app's own modules load after that (or after FIRST_LIST_WAIT_MS): loading them is one long
	// stretch of this thread's time, and the list's HTTPS round trips would wait behind it.
	let inkUp = false;
	// Until the App's own handlers are in (below), a signal or a crash while a first frame is up (the cached list, the
	// demo's splash or its early list, a second or more) ends the process through exit with the App's exit codes, so
	// the terminal is put back and the demo's run directory (its key file) removed on the way out (demo-run-dir).
	const earlyExit = (code: number) => {
		starting?.stop();
		screen?.restore();
		process.exit(code);
	};
	const earlySignals: Array<[NodeJS.Signals, () => void]> = (
		[
			['SIGINT', 130],
			['SIGTERM', 143],
			['SIGHUP', SIGHUP_EXIT],
			['SIGQUIT', 131],
		] as const
	).map(([signal, code]) => [signal, () => earlyExit(code)]);
	const earlyCrash = (error: unknown) => {
		starting?.stop();
		screen?.restore();
		exitAfterCrash(error, options);
	};
	if (options.demo || screen !== undefined) {
		for (const [signal, handler] of earlySignals) process.once(signal, handler);
		process.on('uncaughtException', earlyCrash);
		process.on('unhandledRejection', earlyCrash);
	}
	const early = options.demo
		? (await import('./services/demo-early.js')).startDemoEarly({
				paths: options.paths,
				labTopology: options.labTopology,
				onProgress: step => (starting && !inkUp ? starting.step(step) : options.logger.debug(`demo lab: ${step}`)),
			})
		: undefined;
	if (early) {
		void early.firstInventory.then(async result => {
			if (!result.ok || inkUp || !starting) return;
			const {DEMO_LABEL} = await import('./services/demo-early.js');
			if (inkUp) return;
			starting.stop();
			paintSplash(stdout, result.inventory, DEMO_LABEL, 'listed just now');
			// A failed first list is reported by the services, which start from the same promise (leaveEarly below).
		}, () => {});
		await Promise.race([early.firstInventory.catch(() => {}), delay(FIRST_LIST_WAIT_MS)]);
	}
	const leaveEarly = (message: string, code: number) => {
		starting?.stop();
		screen?.restore();
		// The message may quote Azure or a topology file: drawn on the user's terminal, so made safe for it.
		process.stderr.write(displayText(message, {multiline: true}));
		return code;
	};
	const [{createElement}, {SettingsStore}, {buildServices}, {App}, {render}, {UiState}, {FocusSource}, {BrowserModel}, {createAppController}, {buildKeymap}, {prefixKeyName}] = await Promise.all([
		import('react'),
		import('../core/profiles/settings-store.js'),
		import('./services/build-services.js'),
		import('./App.js'),
		import('ink'),
		import('./focus/ui-state.js'),
		import('./focus/focus-source.js'),
		import('./views/browser/use-browser-state.js'),
		import('./app-controller.js'),
		import('../core/commands/keymap.js'),
		import('../core/commands/key-spec.js'),
	]);
	const settings = new SettingsStore(options.paths.dir);
	let prefixByte: number;
	try {
		prefixByte = parsePrefixKey(options.prefix ?? settings.settings.prefixKey);
	} catch (error) {
		return leaveEarly(`vmux: ${(error as Error).message}\n`, 2);
	}
	// The command table with settings.json's "keys": bad bindings are notices, never a reason not to start.
	const {keymap, notices: keyNotices} = buildKeymap({overrides: settings.settings.keys, prefixKey: prefixKeyName(prefixByte)});
	// Messages made in core (a dropped connection's, a Bastion's) name the keys in force, not the defaults.
	setHintKeys(keymap);
	const appStdin = new VirtualStdin();
	const router = new InputRouter(appStdin, prefixByte);

	let services;
	try {
		services = await buildServices({...options, preloadedCache: cached, settings, router, prefixLabel: describePrefixKey(prefixByte), onProgress: starting?.step, early});
	} catch (error) {
		return leaveEarly(`vmux: ${(error as Error).message}\n`, 1);
	}
	services.app.startupNotices.push(...keyNotices);

	inkUp = true;
	starting?.stop();
	screen ??= enterFullScreen(stdin, stdout);
	// Ink draws from a clean screen; the splash had the same rows.
	stdout.write('\x1b[H\x1b[2J');
	const fullScreen = screen;
	let finish: (code: number) => void = () => {};
	const done = new Promise<number>(resolve => (finish = resolve));
	let exiting = false;
	const shutdown = async (code: number) => {
		if (exiting) return;
		exiting = true;
		controller.dispose();
		router.dispose();
		painter.dispose();
		try {
			instance.unmount();
		} catch {
			// Already unmounted.
		}
		// With the terminal gone there is nothing to restore, and every write would only fail again.
		if (!terminal.gone) fullScreen.restore();
		stdin.off('data', onData);
		stdin.pause();
		// Bounded: a session stuck closing must not keep a process with no terminal alive.
		await Promise.race([services.dispose().catch(() => {}), delay(DISPOSE_TIMEOUT_MS)]);
		finish(code);
	};
	const exitAfterShutdown = (code: number) => void shutdown(code).then(() => process.exit(code));
	const onData = (chunk: Buffer) => router.feed(chunk);
	stdin.on('data', onData);
	stdin.resume();

	// The terminal closing (window closed, ssh dropped) is a hang-up, not a crash: end the sessions and
	// exit 129 like SIGHUP, with no crash log and no further writes to it.
	const hangUp = () => {
		options.logger.debug('terminal gone: ending the sessions');
		exitAfterShutdown(SIGHUP_EXIT);
	};
	let unmountInk = () => {};
	const crash = (error: unknown) => {
		if (terminal.gone) return;
		if (isTerminalGoneError(error) && (stdout.destroyed || stdin.destroyed)) {
			terminal.markGone();
			return hangUp();
		}
		options.logger.error('uncaught', error);
		// Ink draws a last frame when it unmounts, which it would do at exit, over the message on the user's screen:
		// it draws it now, on the alternate screen, as shutdown has it.
		unmountInk();
		fullScreen.restore();
		exitAfterCrash(error, options);
	};
	const terminal = watchTerminal([stdin, stdout, process.stderr], hangUp, crash);
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	const signals: Array<[NodeJS.Signals, number]> = [
		['SIGINT', 130],
		['SIGTERM', 143],
		['SIGHUP', SIGHUP_EXIT],
		// Ctrl-\\ reaches the sessions as a byte (raw mode); a SIGQUIT comes from outside, e.g. `kill -QUIT`.
		['SIGQUIT', 131],
	];
	for (const [signal, handler] of earlySignals) process.off(signal, handler);
	process.off('uncaughtException', earlyCrash);
	process.off('unhandledRejection', earlyCrash);
	for (const [signal, code] of signals) process.on(signal, () => exitAfterShutdown(code));
	const wasTerminal = standardTerminals();
	process.on('exit', () => {
		if (!terminal.gone) fullScreen.restore();
		releaseDeadTerminal(wasTerminal);
	});

	services.app.quit = () => void shutdown(0);
	const painter = services.app.painter;
	// One derived focus (focus/derive-focus) decides where keys go and what the pane shows; keys that name
	// commands go to the controller's dispatcher (the command table, with the user's bindings).
	const ui = new UiState();
	const browser = new BrowserModel();
	const controller = createAppController({
		services: services.app,
		ui,
		browser,
		keymap,
		prefixByte,
		onCommand: command => options.logger.debug(`command: ${command.name}`),
		log: message => options.logger.debug(message),
	});
	const focus = new FocusSource(ui, services.app.manager, stdout, browser, controller.copyMode);
	stdout.on('resize', () => focus.resized());
	router.follow(() => focus.current());
	router.dispatchTo(controller.dispatcher);
	// settings.json "mouse" (on by default): the user's terminal reports clicks, drags and the wheel to vmux.
	if (settings.settings.mouse) {
		router.mouseTo(event => controller.mouse.handle(event));
		fullScreen.enableMouse();
	}
	painter.follow(focus);
	// Every pane of the active tab is painted, titled with its number, whether keys go to it, and broadcast.
	const manager = services.app.manager;
	painter.setPaneSource(manager, (session, number) => {
		const broadcast = focus.current().broadcast;
		return {
			number,
			active: session === manager.focused,
			receiving: broadcast?.receivers.includes(session) ?? false,
			skipped: broadcast?.skipped.includes(session) ?? false,
			...(ui.view === 'copy-mode' && session === manager.focused ? {note: 'copy mode'} : {}),
		};
	});
	// Ink wrote some rows of the screen: the pane repaints whatever Ink may have drawn over. Before Ink
	// writes, the user's cursor goes back to where Ink left it; the repaint places it in the pane again.
	const inkStdout = watchWrites(
		stdout,
		() => painter.invalidate(),
		() => painter.releaseCursor(),
	);
	const instance = render(createElement(App, {services: services.app, controller}), {
		stdin: appStdin as unknown as NodeJS.ReadStream,
		stdout: inkStdout,
		exitOnCtrlC: false,
		patchConsole: false,
		incrementalRendering: true,
		maxFps: services.app.maxFps,
	});
	unmountInk = () => {
		try {
			instance.unmount();
		} catch {
			// Already unmounted, or the error came from Ink itself.
		}
	};
	return done;
}

/** The inventory cache's key: the tenant signed in to (`--tenant`, or settings.json's), else "default". */
export function cacheTenantKey(options: {tenant?: string; paths: ConfigPaths}): string {
	if (options.tenant) return options.tenant;
	try {
		const settings = JSON.parse(readFileSync(join(options.paths.dir, 'settings.json'), 'utf8')) as {cloud?: {tenantId?: unknown}};
		if (typeof settings.cloud?.tenantId === 'string' && settings.cloud.tenantId) return settings.cloud.tenantId;
	} catch {
		// No settings, or broken ones (reported later by the settings store): the default key.
	}
	return 'default';
}
