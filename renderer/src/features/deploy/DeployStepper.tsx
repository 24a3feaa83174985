/** The pipeline's phases as a vertical stepper: done, running, skipped, failed, waiting. */
import { Loader, Stepper, Text } from '@mantine/core';
import { IconCheck, IconClock, IconMinus, IconPlayerSkipForward, IconX } from '@tabler/icons-react';
import { DEPLOY_PHASES, type DeployPhase } from '../../../../shared/domain/deploy';
import { PHASE_WORDS } from '../../ui/words';
import type { DeployView } from './deploy-state';

const STATE_WORDS = { pending: 'waiting', running: 'in progress', done: 'done', skipped: 'skipped: nothing to do', failed: 'failed', cancelled: 'cancelled' } as const;

/** Every state has its icon: without one Mantine shows the step's number, which the step's name would have to repeat. */
function stepIcon(state: DeployView['phases'][DeployPhase]['state'], notRun: boolean) {
  if (notRun) return <IconMinus size={14} />;
  if (state === 'failed' || state === 'cancelled') return <IconX size={16} />;
  if (state === 'skipped') return <IconPlayerSkipForward size={14} />;
  if (state === 'running') return <Loader size={14} />;
  if (state === 'done') return <IconCheck size={16} />;
  return <IconClock size={14} />;
}

export function DeployStepper({ view }: { view: DeployView }) {
  // The active step is the first that is neither done nor skipped.
  const active = DEPLOY_PHASES.findIndex((p) => !['done', 'skipped'].includes(view.phases[p].state));
  const failedAt = DEPLOY_PHASES.findIndex((p) => view.phases[p].state === 'failed' || view.phases[p].state === 'cancelled');
  return (
    <Stepper active={active < 0 ? DEPLOY_PHASES.length : active} orientation="vertical" size="sm" role="group" aria-label="Deploy steps" allowNextStepsSelect={false}>
      {DEPLOY_PHASES.map((phase, index) => {
        const { state, message } = view.phases[phase];
        // After a failure the later steps did not run; "skipped" would read as "nothing to do".
        const notRun = failedAt >= 0 && index > failedAt && (state === 'skipped' || state === 'pending');
        const words = PHASE_WORDS[phase];
        const color = state === 'failed' ? 'red' : state === 'cancelled' ? 'gray' : state === 'skipped' ? 'gray' : undefined;
        const shown = notRun ? 'not run' : (message ?? (state === 'pending' ? words.description : STATE_WORDS[state]));
        const stateWords = notRun ? 'not run' : STATE_WORDS[state];
        return (
          <Stepper.Step
            key={phase}
            label={words.label}
            color={color}
            icon={stepIcon(state, notRun)}
            completedIcon={state === 'skipped' ? <IconPlayerSkipForward size={14} /> : <IconCheck size={16} />}
            data-phase={phase}
            data-state={state}
            // The name holds the visible text (label, then description) and the state when the description is not it.
            aria-label={`${words.label}: ${shown}${shown === stateWords ? '' : ` (${stateWords})`}`}
            description={
              <Text size="xs" c={state === 'failed' ? 'red' : 'dimmed'} component="span" lineClamp={3} style={{ overflowWrap: 'anywhere' }} title={message}>
                {/* The space keeps label and description apart in the text read out (they are adjacent spans). */}
                {' '}
                {shown}
              </Text>
            }
          />
        );
      })}
    </Stepper>
  );
}
