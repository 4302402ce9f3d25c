/**
 * An HttpClient that hands each Azure response to the work scheduler before the SDK sees it: the request
 * and the wait for the answer hold nothing, and what the answer wakes (deserialisation, the evidence logic,
 * the next requests) runs when the scheduler releases it — a run command's result as pod-evidence work, all
 * else as findings work. A run command's "accepted, still running" answers (202) wake only the poller's
 * timer, so they go as findings work: the command's clock runs while ARM findings are still being made.
 */
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { WorkClass, WorkScheduler } from './work-scheduler';

const POD_EVIDENCE_PATH = /\/(runcommand|commandresults)(\/|$)/i;

export function workClassOf(url: string, status: number): WorkClass {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a URL: classify what we were given.
  }
  return POD_EVIDENCE_PATH.test(path) && status !== 202 ? 'pods' : 'findings';
}

export function pacedHttpClient(inner: HttpClient, scheduler: WorkScheduler): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const response = await inner.sendRequest(request);
      const signal = request.abortSignal instanceof AbortSignal ? request.abortSignal : undefined;
      await scheduler.wait(workClassOf(request.url, response.status), signal);
      return response;
    },
  };
}
