package multistep

import (
	"fmt"
	"sync"
)

// Key names a value of type T in a State. Declare keys once, as package
// variables, so that every reader and writer agrees on the type:
//
//	var KeyContainerID = multistep.NewKey[string]("container_id")
type Key[T any] struct{ name string }

// NewKey returns the key called name for values of type T.
func NewKey[T any](name string) Key[T] { return Key[T]{name: name} }

// Name returns the key's name.
func (k Key[T]) Name() string { return k.name }

// State is the bag of values steps share. It is safe for concurrent use.
type State struct {
	mu sync.RWMutex
	m  map[string]any
}

// NewState returns an empty State.
func NewState() *State { return &State{m: make(map[string]any)} }

// Get returns the value stored under k, and whether there is one of type T.
func Get[T any](s *State, k Key[T]) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[k.name].(T)
	return v, ok
}

// MustGet returns the value stored under k; it panics naming the key when
// there is none. Use it only for values an earlier step always puts.
func MustGet[T any](s *State, k Key[T]) T {
	v, ok := Get(s, k)
	if !ok {
		panic(fmt.Sprintf("multistep: state has no %T under %q", v, k.name))
	}
	return v
}

// Put stores v under k.
func Put[T any](s *State, k Key[T], v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k.name] = v
}

// Remove deletes the value stored under k.
func Remove[T any](s *State, k Key[T]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k.name)
}

// Has reports whether any value is stored under k.
func Has[T any](s *State, k Key[T]) bool {
	_, ok := Get(s, k)
	return ok
}
