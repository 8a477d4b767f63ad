import type {Prompter} from '../../core/session/types.js';
import type {UiState} from '../focus/ui-state.js';
import type {Dialog} from './dialog-types.js';

/**
 * Opens dialogs on the UI state's stack and closes each one once it is answered. Also the session
 * manager's prompter: host keys, passwords and device-code sign-ins become dialogs.
 */
export class Dialogs {
	constructor(private readonly ui: UiState) {}

	/** Asks yes or no; `onYes` runs after the dialog is gone. */
	confirm(question: {title: string; message: string; yesLabel?: string}, onYes: () => void): void {
		const dialog: Dialog = {
			kind: 'confirm',
			...question,
			onAnswer: yes => {
				this.ui.closeDialog(dialog);
				if (yes) onYes();
			},
		};
		this.ui.pushDialog(dialog);
	}

	/** Asks for one line of text; `onAnswer` runs after the dialog is gone, not at all when cancelled. */
	text(question: {title: string; prompt: string; initial: string; hint: string}, onAnswer: (value: string) => void): void {
		const dialog: Dialog = {
			kind: 'text',
			...question,
			onAnswer: value => {
				this.ui.closeDialog(dialog);
				if (value !== undefined) onAnswer(value);
			},
		};
		this.ui.pushDialog(dialog);
	}

	/** Shows a message until the user closes it (or `close` is called); returns `close`. */
	message(message: {title: string; message: string; tone: 'info' | 'error'; closeHint?: string}, onClose?: () => void): () => void {
		const dialog: Dialog = {
			kind: 'message',
			...message,
			onClose: () => {
				this.ui.closeDialog(dialog);
				onClose?.();
			},
		};
		this.ui.pushDialog(dialog);
		return () => this.ui.closeDialog(dialog);
	}

	/** An error as a dialog the user closes. */
	error(title: string, message: string): void {
		this.message({title, message, tone: 'error'});
	}

	/** The prompter the session manager asks through (services' forwarding prompter holds it). */
	readonly prompter: Prompter = {
		confirmUnknownHostKey: info =>
			new Promise(resolve => {
				const dialog: Dialog = {kind: 'host-key', info, onAnswer: decision => (this.ui.closeDialog(dialog), resolve(decision))};
				this.ui.pushDialog(dialog);
			}),
		askSecret: request =>
			new Promise(resolve => {
				const dialog: Dialog = {kind: 'secret', ...request, onAnswer: value => (this.ui.closeDialog(dialog), resolve(value))};
				this.ui.pushDialog(dialog);
			}),
		showSignIn: (prompt, onCancel) =>
			this.message(
				{
					title: 'Sign in to Microsoft Entra ID',
					message: `Open ${prompt.url} and enter the code ${prompt.code}. This closes by itself once you are signed in.`,
					tone: 'info',
					closeHint: 'Esc cancels the sign-in (and this connection)',
				},
				onCancel,
			),
	};
}
