import {FileSessions} from '../../core/files/file-sessions.js';
import type {VmRecord} from '../../core/inventory/model.js';
import type {SshConnection} from '../../core/session/connection.js';
import type {SessionManager} from '../../core/session/session-manager.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {UiState} from '../focus/ui-state.js';
import {FilesModel} from '../views/files/files-model.js';

/** How long the browser's `f` waits for a new connection to open before giving up on the file view. */
const OPEN_WAIT_MS = 120_000;

/**
 * `prefix f` and the browser's `f`: the file view of a session's connection. The SFTP channel is opened on
 * the connection's own ssh2 Client (no new login) and kept with its transfers, which go on while the view is
 * closed; the tab bar shows them.
 */
export class FilesFlow {
	readonly sessions = new FileSessions<SshConnection>();

	constructor(
		private readonly manager: SessionManager,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		private readonly connectVm: (vm: VmRecord) => Promise<void>,
		private readonly localDir: () => string = () => process.cwd(),
	) {}

	/** prefix f: the focused session's files. */
	openFocused(): void {
		const session = this.manager.focused;
		if (!session) return;
		void this.openFor(session);
	}

	/** f on a VM: connects (as Enter does), then opens the files of the session that opened. */
	async openForVm(vm: VmRecord): Promise<void> {
		const before = this.manager.focused;
		await this.connectVm(vm);
		const session = this.manager.focused;
		if (!session || session === before || this.ui.view !== 'sessions') return;
		await this.openFor(session, OPEN_WAIT_MS);
	}

	private async openFor(session: ShellSession, waitMs = 0): Promise<void> {
		const connection = session.connection;
		if (!connection.isOpen && waitMs > 0) await waitForOpen(connection, waitMs);
		const client = connection.sshClient;
		if (!client) {
			this.ui.flash({text: `${session.label} is not connected: files need a live connection.`, tone: 'error'});
			return;
		}
		try {
			const channel = await this.sessions.channelFor(connection, client);
			const model = new FilesModel({
				title: session.label,
				channel,
				localDir: this.localDir(),
				confirm: (request, onYes) => this.dialogs.confirm(request, onYes),
				onClose: () => this.ui.setView(this.manager.sessions.length > 0 ? 'sessions' : 'browser'),
			});
			this.ui.openFiles(model);
			await model.open();
		} catch (error) {
			this.ui.flash({text: (error as Error).message, tone: 'error'});
		}
	}

	dispose(): void {
		this.sessions.dispose();
	}
}

function waitForOpen(connection: SshConnection, ms: number): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(done, ms);
		timer.unref?.();
		function onState() {
			if (connection.isOpen || connection.state.kind === 'closed' || (connection.state.kind === 'disconnected' && connection.state.retryAt === undefined)) done();
		}
		function done() {
			clearTimeout(timer);
			connection.off('state', onState);
			resolve();
		}
		connection.on('state', onState);
		onState();
	});
}
