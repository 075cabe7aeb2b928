import type { EmailDeliveryAttempt } from '../email/email-delivery-attempt.entity.js';
import type { EmailDelivery } from '../email/email-delivery.entity.js';
import type {
  EmailDeliveryAttemptResponse,
  EmailDeliveryResponse,
  EmailDeliveryWithAttemptsResponse,
} from './dto/email-delivery.response.js';

/** A delivery as the API shows it: never its sealed token (nor, so, its link). */
export function presentDelivery(delivery: EmailDelivery): EmailDeliveryResponse {
  return {
    delivery_id: delivery.id,
    magic_link_id: delivery.magicLinkId,
    user_id: delivery.userId,
    email: delivery.toAddress,
    kind: delivery.kind,
    locale: delivery.locale,
    template_id: delivery.templateId,
    status: delivery.status,
    attempt_count: delivery.attempts,
    last_error: delivery.lastError,
    created_at: delivery.createdAt.toISOString(),
    next_attempt_at: delivery.nextAttemptAt.toISOString(),
    sent_at: delivery.sentAt?.toISOString() ?? null,
    message_id: delivery.messageId,
  };
}

export function presentDeliveryWithAttempts(
  delivery: EmailDelivery,
  attempts: EmailDeliveryAttempt[],
): EmailDeliveryWithAttemptsResponse {
  return { ...presentDelivery(delivery), attempts: attempts.map(presentAttempt) };
}

function presentAttempt(attempt: EmailDeliveryAttempt): EmailDeliveryAttemptResponse {
  return {
    attempt: attempt.attempt,
    started_at: attempt.startedAt.toISOString(),
    ended_at: attempt.endedAt.toISOString(),
    outcome: attempt.outcome,
    error: attempt.error,
  };
}
