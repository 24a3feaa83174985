/**
 * Event sources turned into log lines: EventBridge's ECS task/service/deployment events (JSON in
 * the project's events log group), CloudFormation stack events and ECS service events.
 */
import type { ServiceEvent } from '@aws-sdk/client-ecs';
import type { StackEvent } from '../../shared/domain/deploy';
import type { LogLine } from '../../shared/domain/logs';

interface EcsEventDetail {
  lastStatus?: string;
  desiredStatus?: string;
  stoppedReason?: string;
  stopCode?: string;
  group?: string;
  taskArn?: string;
  eventName?: string;
  reason?: string;
  containers?: { name?: string; exitCode?: number; reason?: string }[];
}

/** One EventBridge ECS event (the JSON EventBridge writes) as a readable line and its service. */
export function formatEcsEvent(message: string, serviceOf: (ecsService: string) => string | undefined): { text: string; service?: string } {
  let event: { 'detail-type'?: string; detail?: EcsEventDetail; resources?: string[] };
  try {
    event = JSON.parse(message) as typeof event;
  } catch {
    return { text: message };
  }
  const detail = event.detail ?? {};
  const type = event['detail-type'] ?? 'ECS event';
  const ecsService = detail.group?.startsWith('service:') ? detail.group.slice('service:'.length) : event.resources?.[0]?.split('/').pop();
  const service = ecsService ? serviceOf(ecsService) : undefined;
  if (type === 'ECS Task State Change') {
    const task = detail.taskArn?.split('/').pop()?.slice(0, 12) ?? 'task';
    const exits = (detail.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => `${c.name} exited ${c.exitCode}`);
    const why = [detail.stoppedReason, ...exits].filter(Boolean).join('; ');
    return { text: `Task ${task} ${detail.lastStatus ?? ''}${why ? `: ${why}` : ''}`.trim(), ...(service ? { service } : {}) };
  }
  const name = detail.eventName ?? type;
  return { text: `${name}${detail.reason ? `: ${detail.reason}` : ''}`, ...(service ? { service } : {}) };
}

/** A stack event as a log line (its id is the stack event id: never duplicated). */
export function stackEventLine(event: StackEvent): LogLine {
  return {
    id: `stack:${event.eventId}`,
    timestamp: Date.parse(event.timestamp),
    source: 'stack',
    stream: event.stackName,
    message: `${event.logicalId} (${event.type}) ${event.status}${event.reason ? `: ${event.reason}` : ''}`,
  };
}

/** An ECS service event as a log line. */
export function serviceEventLine(service: string, ecsService: string, event: ServiceEvent): LogLine {
  return {
    id: `ecs:${event.id ?? `${ecsService}:${event.createdAt?.getTime()}`}`,
    timestamp: event.createdAt?.getTime() ?? 0,
    source: 'service-events',
    service,
    stream: ecsService,
    message: event.message ?? '',
  };
}
