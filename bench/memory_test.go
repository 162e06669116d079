package bench

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// peakMemory calls f once and returns how far the live heap grew during the
// call above its level before, and how much of it the result keeps. The
// garbage collector runs often meanwhile, so the samples track live memory.
func peakMemory(f func() any) (peak, decoded uint64) {
	old := debug.SetGCPercent(5)
	defer debug.SetGCPercent(old)
	runtime.GC()
	base := heapObjects()
	var high atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if h := heapObjects(); h > high.Load() {
				high.Store(h)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}()
	result := f()
	close(stop)
	<-done
	runtime.GC()
	after := heapObjects()
	runtime.KeepAlive(result)
	return growth(high.Load(), base), growth(after, base)
}

// growth is how far heap is above base, or 0 when it is not.
func growth(heap, base uint64) uint64 {
	if heap < base {
		return 0
	}
	return heap - base
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
