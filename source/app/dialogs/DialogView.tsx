import {Box, useInput} from 'ink';
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
			<Text>{dialog.message}</Text>
			<Text>
				<Text bold color="cyan">y</Text> {dialog.yesLabel ?? 'yes'}   <Text bold color="cyan">n</Text>/<Text bold color="cyan">Esc</Text> no
			</Text>
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
			<Text>vmux has never seen this server. Compare the fingerprint with the VM's before trusting it:</Text>
			<Text color="yellow">
				{'  '}
				{info.keyType} {info.fingerprint}
			</Text>
			<Text dimColor>Nothing has been sent to the server yet.</Text>
			<Text>
				<Text bold color="cyan">s</Text> accept and save   <Text bold color="cyan">o</Text> accept once   <Text bold color="cyan">r</Text>/<Text bold color="cyan">Esc</Text> reject
			</Text>
		</>
	);
}

function SecretBody({dialog}: {dialog: Extract<Dialog, {kind: 'secret'}>}) {
	useInput((_input, key) => {
		if (key.escape) dialog.onAnswer(undefined);
	});
	return (
		<>
			<Text bold>{dialog.title}</Text>
			<Box>
				<Text>{dialog.prompt} </Text>
				<MaskedInput onSubmit={value => dialog.onAnswer(value)} />
			</Box>
			<Text dimColor>Enter to send, Esc to cancel. Kept in memory for this session only.</Text>
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
			<Text>{dialog.message}</Text>
			<Text dimColor>Enter or Esc to close</Text>
		</>
	);
}
