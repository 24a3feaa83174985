/** Log lines from CloudWatch: services, builds, ECS and stack events. */

export interface LogLine {
  /** Stable id (CloudWatch eventId) so a reconnect never duplicates. */
  id: string;
  timestamp: number;
  source: string;
  service?: string;
  stream: string;
  message: string;
}

export interface LogQuery {
  project: string;
  services?: string[];
  deploymentId?: string;
  filter?: string;
  /** Start time, epoch ms. */
  since?: number;
  includeBuilds?: boolean;
  includeEvents?: boolean;
}

export interface LogBatch {
  tailId: string;
  lines: LogLine[];
  /** Set when the tail switched mode or reconnected. */
  status?: 'live' | 'polling' | 'reconnecting' | 'no-logs-yet' | 'stopped';
}
