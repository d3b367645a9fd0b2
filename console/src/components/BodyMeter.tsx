// Characters, segments and encoding of a body as Twilio will count them, and why it would be
// refused — judged by src/shared/message-limits.ts, the very function the API, the workflow
// and the emulator use, so the page never lets through what the server refuses.
import { checkMessageBody, MAX_BODY_CHARACTERS, MAX_SEGMENTS, type BodyCheck } from '@shared/message-limits.ts';

export function judgeBody(body: string): BodyCheck {
  return checkMessageBody(body);
}

export function BodyMeter({ id, body, check }: { id: string; body: string; check: BodyCheck }) {
  const measured = check.ok ? check : check.details;
  const segments = measured.segments;
  const refusal = !check.ok && body.trim() ? check.message : null;
  return (
    <div id={id} class="body-meter">
      <span data-testid="body-meter">
        {measured.characters}/{MAX_BODY_CHARACTERS} characters
        {segments !== undefined && ` · ${segments} segment${segments === 1 ? '' : 's'} (max ${MAX_SEGMENTS})`}
        {measured.encoding && ` · ${measured.encoding}`}
      </span>
      {refusal && (
        <span class="error" role="alert">
          Cannot send: {refusal}
        </span>
      )}
    </div>
  );
}
