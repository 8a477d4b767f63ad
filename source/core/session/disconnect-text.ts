import {sentence} from './errors.js';
import type {ConnectionState, DisconnectCause} from './types.js';
import {hintKeys} from '../commands/hint-keys.js';

/**
 * What a session says while its connection is down: the whole message goes into the pane (it scrolls with
 * the history), the status line gets a short form. Both offer only what works inside a session: prefix
 * commands, and a retry only where one can succeed.
 */

export type DisconnectedState = Extract<ConnectionState, {kind: 'disconnected'}>;

/** The causes after which Ctrl-b r cannot change the outcome (the same refusal would come back). */
const NO_RETRY: ReadonlySet<DisconnectCause> = new Set(['host-key-this-run', 'auth', 'credentials']);

/** Whether offering `Ctrl-b r` makes sense after this failure. */
export function retryCanHelp(state: DisconnectedState): boolean {
	return state.cause === undefined ? state.retriable : !NO_RETRY.has(state.cause);
}

/** The next steps, as one sentence or two, naming only keys that work in a session. */
export function disconnectActions(state: DisconnectedState): string {
	const keys = hintKeys();
	const close = `${keys.close} closes this session.`;
	const editProfile = `To change the profile, ${keys.detach} goes back to the browser, where e edits it.`;
	switch (state.cause) {
		case 'host-key':
			return `Once the old key is removed, ${keys.reconnect} connects again. ${close}`;
		case 'host-key-this-run':
			return close;
		case 'host-key-rejected':
			return `${keys.reconnect} asks about the key again. ${close}`;
		case 'cancelled':
			return `${keys.reconnect} asks again. ${close}`;
		case 'auth':
		case 'credentials':
			return `${close} ${editProfile}`;
		default:
			return retryCanHelp(state) ? `${keys.reconnect} reconnects now. ${close}` : close;
	}
}

/**
 * The status line's text: short enough for one row, since the pane holds the whole message. Network
 * trouble keeps its own (short) sentence and the countdown; refusals say what happened in a few words.
 */
export function disconnectStatus(state: DisconnectedState, now = Date.now()): string {
	const inPane = 'see the pane.';
	let what: string;
	switch (state.cause) {
		case 'host-key':
		case 'host-key-this-run':
			what = `Refused a changed or revoked host key; ${inPane}`;
			break;
		case 'auth':
			what = `The server refused the credentials; ${inPane}`;
			break;
		case 'credentials':
			what = `vmux could not prepare the credentials; ${inPane}`;
			break;
		default:
			what = sentence(state.reason);
	}
	const keys = hintKeys();
	const retry = state.retryAt !== undefined ? ` Retrying in ${Math.max(0, Math.ceil((state.retryAt - now) / 1000))} s.` : '';
	const next =
		state.cause === 'host-key'
			? ` After removing the old key, ${keys.reconnect}.`
			: state.cause === 'host-key-rejected' || state.cause === 'cancelled'
				? ` ${keys.reconnect} asks again.`
				: retryCanHelp(state)
					? ` ${keys.reconnect} reconnects now.`
					: ` ${keys.close} closes this session.`;
	return `${what}${retry}${next}`;
}

/** Removes key hints meant for the browser ("(e)", "(e to edit)"): in a session, e is typed to the VM. */
export function withoutBrowserKeys(message: string): string {
	return message.replace(/\s*\((?:e|e to edit|press e)\)/g, '');
}
