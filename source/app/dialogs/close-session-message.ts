import type {ShellSession} from '../../core/session/shell-session.js';

/**
 * The close dialog's sentence: what closing this session really does, given where its shell and its
 * connection are (a shell to end, one that already exited, none yet, or a connection that is down).
 * `others` is how many other sessions share its connection: the connection outlives this one for them.
 */
export function closeSessionMessage(session: ShellSession, others: number): string {
	const connection = session.connection.state;
	const keep =
		others > 0
			? ` The SSH connection stays open for the other ${others === 1 ? 'session' : `${others} sessions`} on it.`
			: '';
	const pane = 'Its pane and scrollback are discarded.';
	if (session.state.kind === 'exited') return `The shell has already exited. ${pane}${others > 0 ? keep : ' The SSH connection is closed too.'}`;
	if (session.state.kind === 'running' && connection.kind === 'open') {
		return `The shell on ${session.label} will be ended, with anything still running in it. ${pane}${others > 0 ? keep : ' The SSH connection is closed too.'}`;
	}
	switch (connection.kind) {
		case 'disconnected':
			return others > 0
				? `The connection to ${session.label} is down, so there is no shell to end. ${pane} The other ${others === 1 ? 'session' : `${others} sessions`} on that connection keep waiting for it.`
				: `The connection to ${session.label} is down, so there is no shell to end: closing stops ${connection.retryAt !== undefined ? 'the scheduled reconnect' : 'any reconnect'}. ${pane}`;
		case 'connecting':
		case 'verifying-host-key':
		case 'authenticating':
			return others > 0
				? `The shell on ${session.label} has not opened yet; it will not be. ${pane}${keep}`
				: `No shell was opened on ${session.label} yet: closing stops connecting. ${pane}`;
		default:
			// Connected, and this shell is opening (or its channel closed without an exit status).
			return `The shell on ${session.label} has not started, or has already stopped; nothing runs in it to end. ${pane}${keep || ' The SSH connection is closed too.'}`;
	}
}
