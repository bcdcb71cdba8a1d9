package lambda

import "time"

// Asynchronous invocation (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): the event goes to
// an internal queue and Invoke returns 202. A function error is retried up to
// MaximumRetryAttempts (default 2) times, about 1 and 2 minutes later. A
// throttled attempt returns the event to the queue and is retried with an
// exponential backoff from 1 s up to 5 minutes, until the event is older than
// MaximumEventAgeInSeconds (default 6 h). An event that fails for good goes
// to the dead-letter queue or on-failure destination, if configured, with
// condition RetriesExhausted or EventAgeExceeded.

type asyncEvent struct {
	f         *Function
	qualifier string
	payload   string
	received  time.Duration
	attempts  int // attempts that ran the handler
	backoff   time.Duration
}

const (
	asyncBackoffMin = time.Second
	asyncBackoffMax = 5 * time.Minute
)

// MaxAsyncQueue bounds the events waiting in the asynchronous queues of one
// account. It is a simulator limit, not an AWS one: a throttled event waits
// up to 6 hours, and a learner's burst of millions of them would otherwise
// fill the memory of a shared server. Events beyond it are dropped with
// condition "SimulatorQueueFull".
const MaxAsyncQueue = 200_000

func (f *Function) enqueue(qualifier, payload string) {
	s := f.svc
	f.st.AsyncReceived++
	if s.asyncQueued >= MaxAsyncQueue {
		f.st.AsyncDropped++
		f.st.droppedBy["SimulatorQueueFull"]++
		s.emit(Event{Kind: EvAsyncDropped, Function: f.Name, Reason: "SimulatorQueueFull"})
		return
	}
	s.asyncQueued++
	ev := &asyncEvent{f: f, qualifier: qualifier, payload: payload, received: s.k.Now()}
	f.deliver(ev)
}

func (f *Function) deliver(ev *asyncEvent) {
	if f.deleted {
		f.svc.asyncQueued--
		return
	}
	s := f.svc
	now := s.k.Now()
	cfg := f.EventInvokeConfigFor(ev.qualifier)
	deadline := ev.received + time.Duration(cfg.MaximumEventAgeInSeconds)*time.Second
	if now >= deadline {
		f.fail(ev, "EventAgeExceeded")
		return
	}
	v, err := f.Resolve(ev.qualifier)
	if err != nil {
		f.fail(ev, "EventAgeExceeded")
		return
	}
	inv := s.newInvocation(f, v, ev.qualifier, TypeEvent, ev.payload)
	inv.StatusCode = 202
	inv.Attempt = ev.attempts + 1
	inv.onDone = func(inv *Invocation) { f.asyncDone(ev, inv) }
	if e := f.attempt(inv, v); e != nil {
		// Throttled: back to the queue, retried with exponential backoff.
		ev.backoff = min(max(2*ev.backoff, asyncBackoffMin), asyncBackoffMax)
		next := now + ev.backoff
		if next >= deadline {
			s.k.At(deadline, func() { f.fail(ev, "EventAgeExceeded") })
			return
		}
		f.st.AsyncThrottleRetries++
		s.k.At(next, func() { f.deliver(ev) })
	}
}

func (f *Function) asyncDone(ev *asyncEvent, inv *Invocation) {
	if f.deleted {
		f.svc.asyncQueued--
		return
	}
	ev.attempts++
	if inv.FunctionError == "" {
		f.svc.asyncQueued--
		if f.EventInvokeConfigFor(ev.qualifier).OnSuccess != "" {
			f.st.OnSuccessDeliveries++
		}
		return
	}
	s := f.svc
	cfg := f.EventInvokeConfigFor(ev.qualifier)
	if ev.attempts > cfg.MaximumRetryAttempts {
		f.fail(ev, "RetriesExhausted")
		return
	}
	// Retry about 1 minute after the first failure, 2 minutes after the second.
	next := s.k.Now() + time.Duration(ev.attempts)*time.Minute
	deadline := ev.received + time.Duration(cfg.MaximumEventAgeInSeconds)*time.Second
	if next >= deadline {
		s.k.At(deadline, func() { f.fail(ev, "EventAgeExceeded") })
		return
	}
	s.k.At(next, func() {
		if f.deleted {
			f.svc.asyncQueued--
			return
		}
		f.st.AsyncRetries++
		f.svc.emit(Event{Kind: EvAsyncRetry, Function: f.Name})
		f.deliver(ev)
	})
}

// fail ends an event that will not be retried again.
func (f *Function) fail(ev *asyncEvent, condition string) {
	f.svc.asyncQueued--
	if f.deleted {
		return
	}
	f.st.AsyncDropped++
	cfg := f.EventInvokeConfigFor(ev.qualifier)
	if f.DLQ != "" || cfg.OnFailure != "" {
		f.st.DeadLetters++
		f.st.dlqBy[condition]++
		f.svc.emit(Event{Kind: EvDeadLetter, Function: f.Name, Reason: condition})
	} else {
		f.st.droppedBy[condition]++
		f.svc.emit(Event{Kind: EvAsyncDropped, Function: f.Name, Reason: condition})
	}
}
