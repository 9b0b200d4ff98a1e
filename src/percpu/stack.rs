//! A per-CPU linked stack: one intrusive singly linked list per CPU, whose
//! push and pop are rseq critical sections on the current CPU's list.
//! Within one CPU nothing interleaves with a section, so a pop can follow
//! `head.next` without the ABA problem of a lock-free stack.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::ptr::{self, NonNull};
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use super::exclusive::exclusive;
use super::slots::Slots;
use super::{cs, rseq_offset};

/// The link a node of a [`RawStack`] embeds: its first word.
#[repr(C)]
pub struct Link {
    next: *mut Link,
}

impl Link {
    /// A link on no list.
    pub const fn new() -> Link {
        Link { next: ptr::null_mut() }
    }
}

impl Default for Link {
    fn default() -> Link {
        Link::new()
    }
}

/// A per-CPU stack of intrusive nodes (each embeds a [`Link`]); the caller
/// owns the nodes' memory. [`Stack`] is the safe version over boxes.
pub struct RawStack {
    slots: Slots,
}

impl RawStack {
    /// An empty stack (one list per possible CPU).
    pub fn new() -> RawStack {
        RawStack { slots: Slots::new(0) }
    }

    /// As [`new`](Self::new), `None` when memory runs out.
    pub fn try_new() -> Option<RawStack> {
        Some(RawStack { slots: Slots::try_new(0)? })
    }

    /// Pushes `link` on this CPU's list; returns the CPU.
    ///
    /// # Safety
    /// `link` must be valid, on no list, and stay valid and untouched by
    /// the caller until a pop returns it.
    #[inline]
    pub unsafe fn push(&self, link: NonNull<Link>) -> u32 {
        let len = self.slots.len();
        // SAFETY: the node is the caller's to give; other writers of the
        // heads take the slot's lock; the offset is the area's.
        let cpu = unsafe { cs::push(rseq_offset(), self.slots.base(), len, link.as_ptr().cast()) };
        if cpu < len {
            return cpu;
        }
        // SAFETY: per the caller.
        unsafe { self.fallback_push(link) }
    }

    /// The fallback path of [`push`](Self::push), whichever state the
    /// thread is in (for tests).
    ///
    /// # Safety
    /// As [`push`](Self::push).
    #[doc(hidden)]
    #[cold]
    pub unsafe fn fallback_push(&self, link: NonNull<Link>) -> u32 {
        let cpu = super::fallback_slot(self.slots.len());
        let slot = self.slots.get(cpu);
        let _own = exclusive(slot, cpu);
        // SAFETY: the node is the caller's until the store below publishes it.
        unsafe { (*link.as_ptr()).next = slot.word.load(Relaxed) as *mut Link };
        slot.word.store(link.as_ptr() as usize, Release);
        cpu
    }

    /// Pops the node pushed last on this CPU's list, if any.
    #[inline]
    pub fn pop(&self) -> Option<NonNull<Link>> {
        let len = self.slots.len();
        // SAFETY: nodes stay valid while on a list (the push contract).
        let (cpu, head) = unsafe { cs::pop(rseq_offset(), self.slots.base(), len) };
        if cpu >= len {
            return self.fallback_pop();
        }
        NonNull::new(head as *mut Link)
    }

    /// The fallback path of [`pop`](Self::pop) (for tests).
    #[doc(hidden)]
    #[cold]
    pub fn fallback_pop(&self) -> Option<NonNull<Link>> {
        self.pop_from(super::fallback_slot(self.slots.len()))
    }

    /// Pops from `cpu`'s list (to take work from another CPU, say), under
    /// the slot's lock: a system call while registered threads may use
    /// the stack. `None` when the list is empty or `cpu` has none.
    pub fn pop_from(&self, cpu: u32) -> Option<NonNull<Link>> {
        if cpu >= self.slots.len() {
            return None;
        }
        let slot = self.slots.get(cpu);
        let _own = exclusive(slot, cpu);
        let head = NonNull::new(slot.word.load(Acquire) as *mut Link)?;
        // SAFETY: a node on a list is valid (the push contract); the lock
        // keeps everyone else off this list.
        slot.word.store(unsafe { (*head.as_ptr()).next } as usize, Relaxed);
        Some(head)
    }

    /// Empties every list, calling `f` on each node (per CPU, last pushed
    /// first). `&mut self`: no other thread can use the stack meanwhile.
    pub fn drain(&mut self, mut f: impl FnMut(NonNull<Link>)) {
        for slot in self.slots.iter() {
            let mut node = slot.word.swap(0, Acquire) as *mut Link;
            while let Some(n) = NonNull::new(node) {
                // SAFETY: nodes on a list are valid; read before `f` takes it.
                node = unsafe { (*n.as_ptr()).next };
                f(n);
            }
        }
    }

    /// Whether every list is empty (a snapshot).
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(|s| s.word.load(Relaxed) == 0)
    }

    /// The number of lists (possible CPUs).
    pub fn lists(&self) -> u32 {
        self.slots.len()
    }
}

impl Default for RawStack {
    fn default() -> RawStack {
        RawStack::new()
    }
}

/// A node of a [`Stack`]: the link, then the value.
#[repr(C)]
pub struct Node<T> {
    link: Link,
    /// What the node carries.
    pub value: T,
}

impl<T> Node<T> {
    /// A boxed node, ready to push (and to push again after a pop, without
    /// allocating).
    pub fn new(value: T) -> Box<Node<T>> {
        Box::new(Node { link: Link::new(), value })
    }
}

impl<T> core::ops::Deref for Node<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> core::ops::DerefMut for Node<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// A per-CPU stack of boxed values: nodes move in and out as `Box`es, so
/// a node popped and pushed again costs no allocation.
pub struct Stack<T> {
    raw: RawStack,
    _nodes: PhantomData<Box<Node<T>>>,
}

// SAFETY: the stack owns its nodes and hands each to one thread at a time.
unsafe impl<T: Send> Send for Stack<T> {}
// SAFETY: as above: `&Stack` only moves whole nodes between threads.
unsafe impl<T: Send> Sync for Stack<T> {}

impl<T> Stack<T> {
    /// An empty stack.
    pub fn new() -> Stack<T> {
        Stack { raw: RawStack::new(), _nodes: PhantomData }
    }

    /// Pushes a node on this CPU's list; returns the CPU.
    #[inline]
    pub fn push(&self, node: Box<Node<T>>) -> u32 {
        // SAFETY: the box's memory is the stack's until a pop returns it;
        // `link` is the node's first field.
        unsafe { self.raw.push(NonNull::from(Box::leak(node)).cast()) }
    }

    /// Pops the node pushed last on this CPU's list, if any.
    #[inline]
    pub fn pop(&self) -> Option<Box<Node<T>>> {
        // SAFETY: every link on the lists came from a leaked `Box<Node<T>>`.
        self.raw.pop().map(|l| unsafe { Box::from_raw(l.cast::<Node<T>>().as_ptr()) })
    }

    /// Pops from `cpu`'s list (see [`RawStack::pop_from`]).
    pub fn pop_from(&self, cpu: u32) -> Option<Box<Node<T>>> {
        // SAFETY: as in `pop`.
        self.raw.pop_from(cpu).map(|l| unsafe { Box::from_raw(l.cast::<Node<T>>().as_ptr()) })
    }

    /// The fallback paths, whichever state the thread is in (for tests).
    #[doc(hidden)]
    pub fn fallback_push(&self, node: Box<Node<T>>) -> u32 {
        // SAFETY: as in `push`.
        unsafe { self.raw.fallback_push(NonNull::from(Box::leak(node)).cast()) }
    }

    #[doc(hidden)]
    pub fn fallback_pop(&self) -> Option<Box<Node<T>>> {
        // SAFETY: as in `pop`.
        self.raw.fallback_pop().map(|l| unsafe { Box::from_raw(l.cast::<Node<T>>().as_ptr()) })
    }

    /// Takes every node off every list.
    pub fn drain(&mut self) -> Vec<Box<Node<T>>> {
        let mut all = Vec::new();
        // SAFETY: as in `pop`.
        self.raw.drain(|l| all.push(unsafe { Box::from_raw(l.cast::<Node<T>>().as_ptr()) }));
        all
    }

    /// Whether every list is empty (a snapshot).
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl<T> Default for Stack<T> {
    fn default() -> Stack<T> {
        Stack::new()
    }
}

impl<T> Drop for Stack<T> {
    fn drop(&mut self) {
        drop(self.drain());
    }
}
