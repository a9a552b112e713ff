-- The W3C trace context of a job (traceparent, then a newline and the tracestate when there is one), written at
-- submission when the request was traced, so that every later step (claims, attempts, callbacks) joins the job's
-- trace on any instance, after any restart. Null when tracing is off or the request was not sampled.
alter table job add column trace_context text;
