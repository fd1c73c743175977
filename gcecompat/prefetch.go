package gcecompat

// prefetch is a read started ahead of the code that needs its answer, so
// that independent CloudStack reads of one request overlap (issue 15,
// item 3: a request's latency is its longest chain of CloudStack calls).
// The code that needs the answer calls get and handles its error where it
// did when it made the read itself.
type prefetch[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// prefetchOf starts f now.
func prefetchOf[T any](f func() (T, error)) *prefetch[T] {
	p := &prefetch[T]{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.v, p.err = f()
	}()
	return p
}

// get waits for the answer.
func (p *prefetch[T]) get() (T, error) {
	<-p.done
	return p.v, p.err
}
