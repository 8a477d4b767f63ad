// The two programs under test, driven the way a user drives them: vmux (the built dist/cli.js) and the
// peer, tmux running OpenSSH `ssh`, each in its own 120x40 pseudo-terminal against the same sshd.
import {execFileSync} from 'node:child_process';
import {PtyApp, processTree, sleep, waitForCpuQuiet} from './harness.mjs';
import {cursorInPane, paneBeside} from './split-screen.mjs';

export const PROMPT = 'vmb> ';
const PROMPT_ROW = PROMPT.trimEnd();
const SHELL_PROMPT = /[#$]$/;

/** The environment of a user's terminal: no CI (Ink prints nothing while it is set), no NODE_ENV. */
export function terminalEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	for (const key of ['CI', 'NODE_ENV', 'VITEST', 'TMUX', 'TMUX_PANE', 'SSH_AUTH_SOCK', 'NODE_OPTIONS']) delete env[key];
	return Object.assign(env, {TERM: 'xterm-256color', COLORTERM: 'truecolor', LANG: 'C.UTF-8'}, extra);
}

const hasPromptRow = (lines) => lines.some((line, i) => i > 0 && line === PROMPT_ROW);

// Keys both programs bind alike (tmux's defaults; vmux's command table): prefix Left focuses the pane to the
// left, prefix Space cycles the preset layouts, prefix z zooms the active pane, prefix C-Left / C-Right
// move the border beside the active pane one cell.
const PREFIX = '\x02';
const LEFT = '\x1b[D';
const CTRL_LEFT = '\x1b[1;5D';
const CTRL_RIGHT = '\x1b[1;5C';

/**
 * The layout commands the split phase times, the same bytes for both, each sent in one write. vmux has no
 * repeat mode, so a 5-cell resize is the prefix and C-Left five times; the benchmark's tmux.conf sets
 * repeat-time 0 and assume-paste-time 0 so tmux takes those keys alike (bench/run.mjs, TMUX_OPTIONS).
 */
export const LAYOUT_KEYS = {
	nextLayout: `${PREFIX} `,
	zoom: `${PREFIX}z`,
	resizeLeft5: `${PREFIX}${CTRL_LEFT}`.repeat(5),
	resizeRight5: `${PREFIX}${CTRL_RIGHT}`.repeat(5),
};

/** After a split to the right: resolves once the new pane's shell prompt shows right of the border. */
async function waitForRightPane(app) {
	const lines = await app.waitForScreen((lines) => {
		const pane = paneBeside(lines, 'right');
		return pane?.lines.some((line) => SHELL_PROMPT.test(line)) ?? false;
	}, "the new pane's shell prompt, right of a border");
	return paneBeside(lines, 'right');
}

/**
 * prefix Left, then waits until the user's cursor stands on the prompt row of the left pane: vmux puts it at
 * the focused pane's cursor, and it was in the right pane before.
 */
async function focusLeftPaneByCursor(app) {
	app.write(`${PREFIX}${LEFT}`);
	await app.waitForScreen((lines) => {
		const pane = paneBeside(lines, 'left');
		return pane !== undefined && cursorInPane(app, pane) && pane.lines[app.term.buffer.active.cursorY] === PROMPT_ROW;
	}, 'the cursor on the prompt of the left pane');
}

export class VmuxDriver {
	name = 'vmux';

	/** @param {{cli: string, configDir: string, cwd: string, nodeArgs?: string[]}} options */
	constructor({cli, configDir, cwd, nodeArgs = []}) {
		this.options = {cli, configDir, cwd, nodeArgs};
		this.sessions = 0;
	}

	async start() {
		await this.launch();
		await this.connect();
		// vmux tries an Azure sign-in and loads the session stack in the background at start: let that finish,
		// or the first figures time it (it added ~6 ms to the idle echo p99).
		await waitForCpuQuiet(() => this.pids());
	}

	/** Starts vmux and waits for the browser to list the profile. */
	async launch() {
		const {cli, configDir, cwd, nodeArgs} = this.options;
		this.app = new PtyApp(process.execPath, [...nodeArgs, cli, '--config-dir', configDir], {env: terminalEnv(), cwd});
		await this.app.waitForScreen((lines) => lines.some((line) => /^\S?\s*bench\s/.test(line)), 'the browser listing the bench profile');
	}

	/** Filters the browser to the profile and opens it (the first session), then sets the prompt. */
	async connect() {
		this.app.write('/bench');
		await this.app.waitForScreen((lines) => lines.some((line) => /^\/bench/.test(line)), 'the filter line');
		this.app.write('\r');
		await this.#waitForShell(0);
		this.sessions = 1;
		await this.setPrompt();
	}

	/**
	 * A fresh shell is focused: its tab is in the tab bar (which scrolls to keep the focused tab in view when
	 * tabs overflow) and its pane holds nothing but the login prompt.
	 */
	async #waitForShell(index) {
		const tab = new RegExp(`\\b${index}:bench\\b`);
		await this.app.waitForScreen((lines) => {
			const pane = lines.slice(1).filter((line) => line.length > 0);
			return tab.test(lines[0]) && pane.length === 1 && SHELL_PROMPT.test(pane[0]);
		}, `session ${index}'s shell prompt`);
	}

	/** A short fixed prompt, so echoes can be found at the end of a row. */
	async setPrompt() {
		this.app.write(`PS1='${PROMPT}'\r`);
		await this.app.waitForScreen(hasPromptRow, 'the benchmark prompt');
	}

	/** Ctrl-b c: another shell on the same connection, focused. Returns its index. */
	async newShell() {
		const index = this.sessions++;
		this.app.write('\x02c');
		await this.#waitForShell(index);
		return index;
	}

	/** Ctrl-b d, then Enter on the profile row: a new connection with its first shell, focused. */
	async newConnection() {
		const index = this.sessions++;
		this.app.write('\x02d');
		await this.app.waitForScreen((lines) => lines.some((line) => line.includes('connect')) && lines.some((line) => /\bbench\s/.test(line)), 'the browser');
		this.app.write('\r');
		await this.#waitForShell(index);
		return index;
	}

	/** Sends a command line to the focused session. */
	type(line) {
		this.app.write(`${line}\r`);
	}

	async focus(index) {
		this.app.write(`\x02${index}`);
		await this.app.waitForScreen((lines) => hasPromptRow(lines), `session ${index} focused`);
	}

	/** prefix %: another shell on the same connection, in a pane to the right (focused). */
	async splitRight() {
		this.app.write(`${PREFIX}%`);
		return waitForRightPane(this.app);
	}

	/** prefix S: the profile picked in the browser opens to the right, on a connection of its own. */
	async splitRightNewConnection() {
		this.app.write(`${PREFIX}S`);
		await this.app.waitForScreen((lines) => lines.some((line) => line.includes('Pick a VM or profile')), 'the browser picking a VM for the split');
		this.app.write('/bench');
		await this.app.waitForScreen((lines) => lines.some((line) => /^\/bench/.test(line)), 'the filter line');
		this.app.write('\r');
		return waitForRightPane(this.app);
	}

	async focusLeftPane() {
		await focusLeftPaneByCursor(this.app);
	}

	/** prefix Space cycles this many preset layouts (even-horizontal, even-vertical, tiled). */
	layoutCount = 3;

	/** The vmux process (and any children it may have). */
	pids() {
		return processTree([this.app.pid]).map((p) => p.pid);
	}

	async stop() {
		await this.app?.stop();
	}
}

export class PeerDriver {
	name = 'tmux+ssh';

	/** @param {{socket: string, tmuxConf: string, tmuxTmpDir: string, ssh: string[]}} options */
	constructor({socket, tmuxConf, tmuxTmpDir, ssh}) {
		this.options = {socket, tmuxConf, tmuxTmpDir, ssh};
		this.windows = 0;
	}

	get #env() {
		return terminalEnv({TMUX_TMPDIR: this.options.tmuxTmpDir});
	}

	get #sshCommand() {
		return this.options.ssh.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
	}

	/** A tmux command against the benchmark's own server (its own socket, in the run's temp dir). */
	tmux(...args) {
		return execFileSync('tmux', ['-L', this.options.socket, ...args], {env: this.#env, timeout: 10_000}).toString();
	}

	async start() {
		const {socket, tmuxConf} = this.options;
		this.app = new PtyApp('tmux', ['-L', socket, '-f', tmuxConf, 'new-session', '-s', 'bench', '-x', '120', '-y', '40', this.#sshCommand], {env: this.#env});
		await this.app.waitForScreen((lines) => lines.slice(0, -1).some((line) => SHELL_PROMPT.test(line)), 'the remote shell prompt in tmux');
		this.serverPid = Number(this.tmux('display-message', '-p', '#{pid}').trim());
		this.windows = 1;
		this.app.write(`PS1='${PROMPT}'\r`);
		await this.app.waitForScreen(hasPromptRow, 'the benchmark prompt');
		await waitForCpuQuiet(() => [...this.pids(), this.clientPid()]);
	}

	/** A new window running ssh, in the background (not visible). Returns its index. */
	async newWindow() {
		const index = this.windows++;
		this.tmux('new-window', '-d', '-t', `bench:${index}`, this.#sshCommand);
		await this.waitForCapture(index, (text) => text.split('\n').some((line) => SHELL_PROMPT.test(line.trimEnd())), 'the shell prompt');
		return index;
	}

	capture(index) {
		return this.tmux('capture-pane', '-p', '-t', `bench:${index}`);
	}

	async waitForCapture(index, test, what, timeoutMs = 20_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const text = this.capture(index);
			if (test(text)) return text;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in tmux window ${index}:\n${text}`);
			await sleep(50);
		}
	}

	/** Types a command line into a (background) window. */
	sendLine(index, line) {
		this.tmux('send-keys', '-t', `bench:${index}`, '-l', line);
		this.tmux('send-keys', '-t', `bench:${index}`, 'Enter');
	}

	type(line) {
		this.app.write(`${line}\r`);
	}

	/** split-window -h: a pane to the right running its own ssh (focused), as tmux users split. */
	async splitRight() {
		this.tmux('split-window', '-h', '-t', 'bench:0', this.#sshCommand);
		return waitForRightPane(this.app);
	}

	/**
	 * prefix Left, then asks tmux which pane is active: the outer cursor is no guide here, as tmux draws a
	 * flooding pane with it and puts it back only between updates.
	 */
	async focusLeftPane() {
		this.app.write(`${PREFIX}${LEFT}`);
		const deadline = Date.now() + 20_000;
		while (this.tmux('display-message', '-p', '-t', 'bench:0', '#{pane_index}').trim() !== '0') {
			if (Date.now() > deadline) throw new Error('tmux did not focus the left pane after prefix Left');
			await sleep(50);
		}
	}

	/** next-layout cycles even-horizontal, even-vertical, main-horizontal, main-vertical and tiled. */
	layoutCount = 5;

	/** The tmux server and everything under it (the ssh clients), without the attached client. */
	pids() {
		return processTree([this.serverPid]).map((p) => p.pid);
	}

	clientPid() {
		return this.app.pid;
	}

	async stop() {
		try {
			this.tmux('kill-server');
		} catch {
			// Already gone.
		}
		await this.app?.stop();
	}
}
