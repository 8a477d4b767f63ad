import type {ReactNode} from 'react';
import {Box, Transform, useInput} from 'ink';
import {Text} from '../components/SafeText.js';
import {MaskedInput} from '../components/MaskedInput.js';
import type {Dialog} from './dialog-types.js';

/** Draws the dialog on top of the screen's main area and owns the keyboard while it is shown. */
export function DialogView({dialog, width}: {dialog: Dialog; width: number}) {
	const boxWidth = Math.min(width - 2, 90);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={dialog.kind === 'message' && dialog.tone === 'error' ? 'red' : 'cyan'} width={boxWidth} paddingX={1}>
			<DialogBody dialog={dialog} />
		</Box>
	);
}

/**
 * Text that wraps like prose. Ink wraps with wrap-ansi's `trim: false`, so a line that breaks at a space
 * starts the next one with it ("trusting\n it:"): continuation lines drop those leading spaces (after any
 * colour codes).
 */
function Paragraph({children, dimColor}: {children: ReactNode; dimColor?: boolean}) {
	return (
		<Transform transform={(line, index) => (index === 0 ? line : line.replace(/^((?:\x1b\[[0-9;]*m)*) +/, '$1'))}>
			<Text dimColor={dimColor}>{children}</Text>
		</Transform>
	);
}

function DialogBody({dialog}: {dialog: Dialog}) {
	switch (dialog.kind) {
		case 'confirm':
			return <ConfirmBody dialog={dialog} />;
		case 'host-key':
			return <HostKeyBody dialog={dialog} />;
		case 'secret':
			return <SecretBody dialog={dialog} />;
		case 'message':
			return <MessageBody dialog={dialog} />;
		case 'text':
			return <TextBody dialog={dialog} />;
	}
}

function ConfirmBody({dialog}: {dialog: Extract<Dialog, {kind: 'confirm'}>}) {
	useInput((input, key) => {
		if (input === 'y' || input === 'Y') dialog.onAnswer(true);
		else if (input === 'n' || input === 'N' || key.escape) dialog.onAnswer(false);
	});
	return (
		<>
			<Text bold>{dialog.title}</Text>
			<Paragraph>{dialog.message}</Paragraph>
			<Paragraph>
				<Text bold color="cyan">y</Text> {dialog.yesLabel ?? 'yes'}   <Text bold color="cyan">n</Text>/<Text bold color="cyan">Esc</Text> no
			</Paragraph>
		</>
	);
}

function HostKeyBody({dialog}: {dialog: Extract<Dialog, {kind: 'host-key'}>}) {
	const {info} = dialog;
	useInput((input, key) => {
		if (input === 'o') dialog.onAnswer('accept-once');
		else if (input === 's' || input === 'y') dialog.onAnswer('accept-save');
		else if (input === 'r' || input === 'n' || key.escape) dialog.onAnswer('reject');
	});
	const where = info.port === 22 ? info.host : `[${info.host}]:${info.port}`;
	return (
		<>
			<Text bold>Unknown host key for {where}</Text>
			<Paragraph>vmux has never seen this server. Compare the fingerprint with the VM's before trusting it:</Paragraph>
			<Text color="yellow">
				{'  '}
				{info.keyType} {info.fingerprint}
			</Text>
			<Paragraph dimColor>Nothing has been sent to the server yet.</Paragraph>
			<Paragraph>
				<Text bold color="cyan">s</Text> accept and save   <Text bold color="cyan">o</Text> accept once   <Text bold color="cyan">r</Text>/<Text bold color="cyan">Esc</Text> reject
			</Paragraph>
		</>
	);
}

function SecretBody({dialog}: {dialog: Extract<Dialog, {kind: 'secret'}>}) {
	return <LineInputBody title={dialog.title} prompt={dialog.prompt} hint="Enter to send, Esc to cancel. Kept in memory for this session only." onAnswer={dialog.onAnswer} />;
}

function TextBody({dialog}: {dialog: Extract<Dialog, {kind: 'text'}>}) {
	return <LineInputBody title={dialog.title} prompt={dialog.prompt} hint={dialog.hint} onAnswer={dialog.onAnswer} reveal initial={dialog.initial} maxLength={60} />;
}

/** One line typed after a prompt: a secret (masked) or a name (shown); Enter answers it, Esc cancels. */
function LineInputBody({
	title,
	prompt,
	hint,
	onAnswer,
	...input
}: {title: string; prompt: string; hint: string; onAnswer(value: string | undefined): void; reveal?: boolean; initial?: string; maxLength?: number}) {
	useInput((_input, key) => {
		if (key.escape) onAnswer(undefined);
	});
	return (
		<>
			<Text bold>{title}</Text>
			<Box>
				<Text>{prompt} </Text>
				<MaskedInput {...input} onSubmit={value => onAnswer(value)} />
			</Box>
			<Paragraph dimColor>{hint}</Paragraph>
		</>
	);
}

function MessageBody({dialog}: {dialog: Extract<Dialog, {kind: 'message'}>}) {
	useInput((_input, key) => {
		if (key.return || key.escape || _input === 'q') dialog.onClose();
	});
	return (
		<>
			<Text bold color={dialog.tone === 'error' ? 'red' : undefined}>
				{dialog.title}
			</Text>
			<Paragraph>{dialog.message}</Paragraph>
			<Text dimColor>{dialog.closeHint ?? 'Enter or Esc to close'}</Text>
		</>
	);
}
