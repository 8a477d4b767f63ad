import type {HostKeyDecision, HostKeyInfo} from '../../core/session/types.js';

/** Everything that takes the keyboard away from the current view until answered. */
export type Dialog =
	| {kind: 'confirm'; title: string; message: string; yesLabel?: string; onAnswer(yes: boolean): void}
	| {kind: 'host-key'; info: HostKeyInfo; onAnswer(decision: HostKeyDecision): void}
	| {kind: 'secret'; title: string; prompt: string; onAnswer(value: string | undefined): void}
	/** One visible line of text (a tab's name). */
	| {kind: 'text'; title: string; prompt: string; initial: string; hint: string; onAnswer(value: string | undefined): void}
	/** `closeHint`: what Enter/Esc does, when closing means more than closing (e.g. cancels a sign-in). */
	| {kind: 'message'; title: string; message: string; tone: 'info' | 'error'; closeHint?: string; onClose(): void};
