import {useEffect, useState} from 'react';
import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import {CHECK_ORDER, CHECK_TITLES, STATUS_SYMBOLS, type DoctorCheck, type DoctorReport} from '../../../core/doctor/index.js';
import type {VmRecord} from '../../../core/inventory/model.js';

export type RunDoctor = (vm: VmRecord, onCheck: (check: DoctorCheck) => void, signal: AbortSignal) => Promise<DoctorReport>;

const COLOURS: Record<DoctorCheck['status'], string> = {pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray'};

/** `!` on a VM: the same checks as `vmux doctor`, filled in as each finishes. Esc or q closes (and cancels). */
export function DoctorView({vm, run, width, height, onClose}: {vm: VmRecord; run: RunDoctor; width: number; height: number; onClose(): void}) {
	const [checks, setChecks] = useState<DoctorCheck[]>([]);
	const [done, setDone] = useState<{ok: boolean} | {error: string} | undefined>();
	useEffect(() => {
		const abort = new AbortController();
		run(vm, check => !abort.signal.aborted && setChecks(list => [...list.filter(c => c.id !== check.id), check]), abort.signal)
			.then(report => !abort.signal.aborted && (setChecks(report.checks), setDone({ok: report.ok})))
			.catch((error: Error) => !abort.signal.aborted && setDone({error: error.message}));
		return () => abort.abort();
	}, [vm, run]);
	useInput((input, key) => {
		if (key.escape || input === 'q' || key.return) onClose();
	});
	const byId = new Map(checks.map(check => [check.id, check]));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold> Doctor · {vm.name} <Text dimColor>({vm.resourceGroup}, {vm.subscriptionName})</Text></Text>
			<Text> </Text>
			{CHECK_ORDER.map(id => {
				const check = byId.get(id);
				if (!check) {
					return (
						<Text key={id} dimColor>
							{'  … '}
							{CHECK_TITLES[id]}
						</Text>
					);
				}
				return (
					<Box key={id} flexDirection="column">
						<Text>
							{'  '}
							<Text color={COLOURS[check.status]} bold>
								{STATUS_SYMBOLS[check.status]}
							</Text>{' '}
							{check.title}
						</Text>
						<Box paddingLeft={4}>
							<Text wrap="wrap" dimColor={check.status === 'pass' || check.status === 'skip'}>
								{check.detail}
							</Text>
						</Box>
						{check.fix ? (
							<Box paddingLeft={4}>
								<Text wrap="wrap" color="cyan">
									Fix: {check.fix}
								</Text>
							</Box>
						) : null}
					</Box>
				);
			})}
			<Text> </Text>
			{done === undefined ? <Text dimColor> Checking…</Text> : 'error' in done ? <Text color="red"> {done.error}</Text> : <Text color={done.ok ? 'green' : 'red'}> {done.ok ? 'No check failed.' : 'Some checks failed: fix them and run the doctor again (!).'}</Text>}
			<Text dimColor> Esc, Enter or q closes.</Text>
		</Box>
	);
}
