# crt0-gdb.py: gdb commands that show a crt0 program's start-up state.
#
#   gdb -x crt/crt0-gdb.py PROGRAM        (or `source crt/crt0-gdb.py` in ~/.gdbinit)
#
# It turns on `set backtrace past-main`: gdb ends every backtrace at the
# function named `main` unless told otherwise, so a plain `bt` in main shows
# crt0's frames below it only with that setting (crt0's `_start` marks itself
# as the outermost frame, so the backtrace then ends there cleanly). Commands:
#
#   crt0 state      all of the below for the selected thread
#   crt0 owner      the rseq registration owner (__rseq_reg_owner)
#   crt0 rseq       glibc's __rseq_offset/__rseq_size/__rseq_flags and the
#                   selected thread's rseq area: registered (and on which
#                   CPU), not yet (-1) or failed (-2)
#   crt0 tls        the thread pointer and the thread's static TLS block
#   crt0 threads    every thread: its thread pointer and rseq state
#
# It reads only what crt0 exports (the symbols above and, on aarch64,
# crt0_main_tp, the main thread's thread pointer, for a gdb stub with no
# TPIDR_EL0 register: qemu-user's), the program headers
# and the architecture's TLS ABI: x86_64 variant II (the block ends at the
# thread pointer, %fs_base), aarch64 variant I (it starts 16 bytes after
# TPIDR_EL0, rounded to the block's alignment), riscv64 variant I with the
# TCB below the thread pointer (the block starts at tp).

import struct

import gdb

OWNERS = {0: "UNSET", 1: "PREINIT", 2: "LIBC", 3: "OVERRIDE"}
PT_TLS = 7

gdb.execute("set backtrace past-main on", to_string=True)


def _arch():
    name = gdb.selected_inferior().architecture().name()
    if "aarch64" in name:
        return "aarch64"
    return "riscv64" if "riscv" in name else "x86_64"


def _int(symbol, ctype):
    """The value of an exported crt0 symbol, read as `ctype`, or None (not
    linked into this program). In C, whatever language the selected frame
    is in (crt0's own frames are Rust)."""
    language = gdb.parameter("language")
    gdb.execute("set language c", to_string=True)
    try:
        return int(gdb.parse_and_eval("*(%s *)&%s" % (ctype, symbol)))
    except gdb.error:
        return None
    finally:
        gdb.execute("set language %s" % language, to_string=True)


def _read(addr, fmt):
    size = struct.calcsize(fmt)
    data = gdb.selected_inferior().read_memory(addr, size).tobytes()
    return struct.unpack(fmt, data)


def _pt_tls():
    """(filesz, memsz, align) of the program's PT_TLS, or None."""
    objfile = gdb.current_progspace().filename
    if not objfile:
        return None
    with open(objfile, "rb") as f:
        ehdr = f.read(64)
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2:
            return None
        (phoff,) = struct.unpack_from("<Q", ehdr, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", ehdr, 0x36)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, _, _, _, filesz, memsz, align = struct.unpack("<IIQQQQQQ", f.read(56))
            if p_type == PT_TLS:
                return filesz, memsz, max(align, 1)
    return None


def _main_thread(thread):
    return thread.ptid[1] == gdb.selected_inferior().pid or thread.num == 1


def _thread_pointer(thread=None):
    """The thread pointer of `thread` (default: the selected one), and how it
    was found; (None, why) when the target does not say."""
    thread = thread or gdb.selected_thread()
    register = {"x86_64": "fs_base", "aarch64": "tpidr", "riscv64": "tp"}[_arch()]
    previous = gdb.selected_thread()
    try:
        thread.switch()
        try:
            return int(gdb.selected_frame().read_register(register)), register
        except (gdb.error, ValueError):
            pass
    finally:
        previous.switch()
    if _main_thread(thread):
        tp = _int("crt0_main_tp", "unsigned long")
        if tp:
            return tp, "crt0_main_tp"
    return None, "this target gives no %s register" % register


def _round_up(x, a):
    return (x + a - 1) // a * a


def owner_line():
    v = _int("__rseq_reg_owner", "int")
    if v is None:
        return "owner: no __rseq_reg_owner symbol (not a crt0 program, or stripped)"
    return "owner: %s (%d)" % (OWNERS.get(v, "?"), v)


def rseq_lines(thread=None):
    offset = _int("__rseq_offset", "long")
    size = _int("__rseq_size", "unsigned int")
    flags = _int("__rseq_flags", "unsigned int")
    found = [(n, v) for n, v in (("__rseq_offset", offset), ("__rseq_size", size), ("__rseq_flags", flags)) if v is not None]
    lines = [", ".join("%s %d" % nv for nv in found) or "no __rseq_* symbol (not a crt0 program, or stripped)"]
    tp, how = _thread_pointer(thread)
    if tp is None or offset is None:
        lines.append("rseq area: unknown (%s)" % how)
        return lines
    area = tp + offset
    cpu_id_start, cpu_id, rseq_cs, rflags, node_id, mm_cid = _read(area, "<IiQIII")
    if cpu_id >= 0:
        state = "registered, cpu %d (cpu_id_start %d, node_id %d, mm_cid %d)" % (cpu_id, cpu_id_start, node_id, mm_cid)
    elif cpu_id == -1:
        state = "not registered (cpu_id -1)"
    elif cpu_id == -2:
        state = "registration failed (cpu_id -2)"
    else:
        state = "cpu_id %d" % cpu_id
    lines.append("rseq area at 0x%x: %s, rseq_cs 0x%x" % (area, state, rseq_cs))
    return lines


def tls_lines(thread=None):
    tp, how = _thread_pointer(thread)
    image = _pt_tls()
    if tp is None:
        return ["thread pointer: unknown (%s)" % how]
    lines = ["thread pointer 0x%x (from %s)" % (tp, how)]
    if image is None:
        lines.append("TLS block: none (no PT_TLS)")
        return lines
    filesz, memsz, align = image
    if _arch() == "x86_64":
        start = tp - _round_up(memsz, align)
    elif _arch() == "riscv64":
        start = tp
    else:
        start = tp + _round_up(16, align)
    lines.append(
        "TLS block 0x%x-0x%x: %d bytes (%d initialised), align %d" % (start, start + memsz, memsz, filesz, align)
    )
    return lines


def thread_lines():
    lines = []
    selected = gdb.selected_thread()
    for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
        tp, _ = _thread_pointer(t)
        previous = gdb.selected_thread()
        try:
            t.switch()
            rseq = rseq_lines(t)[1].split(": ", 1)[1]
        finally:
            previous.switch()
        mark = "*" if t == selected else " "
        where = "0x%x" % tp if tp is not None else "unknown"
        lines.append("%s %d LWP %d: thread pointer %s, rseq %s" % (mark, t.num, t.ptid[1], where, rseq))
    return lines


class Crt0(gdb.Command):
    """crt0's start-up state: crt0 state|owner|rseq|tls|threads."""

    def __init__(self):
        super().__init__("crt0", gdb.COMMAND_STATUS, gdb.COMPLETE_NONE, True)

    def invoke(self, arg, from_tty):
        gdb.execute("crt0 state", from_tty)


class Crt0Sub(gdb.Command):
    def __init__(self, name, doc, lines):
        self.__doc__ = doc
        super().__init__("crt0 " + name, gdb.COMMAND_STATUS)
        self.lines = lines

    def invoke(self, arg, from_tty):
        if not gdb.selected_inferior().pid:
            raise gdb.GdbError("crt0: the program is not running")
        for line in self.lines():
            gdb.write("crt0: %s\n" % line)


Crt0()
Crt0Sub("owner", "The rseq registration owner (__rseq_reg_owner).", lambda: [owner_line()])
Crt0Sub("rseq", "glibc's rseq symbols and the selected thread's rseq area.", lambda: rseq_lines())
Crt0Sub("tls", "The selected thread's thread pointer and static TLS block.", lambda: tls_lines())
Crt0Sub("threads", "Every thread's thread pointer and rseq state.", thread_lines)
Crt0Sub("state", "Owner, rseq, TLS and threads.", lambda: [owner_line()] + rseq_lines() + tls_lines() + thread_lines())
