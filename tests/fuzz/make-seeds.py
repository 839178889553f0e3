#!/usr/bin/env python3
"""Writes the seed corpus in tests/fuzz/corpus/ (all but corpus/state/, which
make-state-seed writes from corpus/elf/minimal; see README.md)."""
import gzip
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(here, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def elf(entry=0x80000000, code=struct.pack('<I', 0x0000006f), symbols=True):
    """A RISC-V ELF64 executable: one PT_LOAD at entry holding code, and (with symbols) a
    symbol table naming tohost."""
    ehsize, phentsize, shentsize = 64, 56, 64
    phoff = ehsize
    text_off = phoff + phentsize
    text = code
    strtab = b'\0tohost\0'
    shstrtab = b'\0.text\0.symtab\0.strtab\0.shstrtab\0'
    sym_off = text_off + len(text)
    sym_off = (sym_off + 7) & ~7
    syms = b'\0' * 24 + struct.pack('<IBBHQQ', 1, 0x11, 0, 1, entry + 0x1000, 8)
    str_off = sym_off + len(syms)
    shstr_off = str_off + len(strtab)
    sh_off = (shstr_off + len(shstrtab) + 7) & ~7
    sections = [b'\0' * shentsize,
                struct.pack('<IIQQQQIIQQ', 1, 1, 6, entry, text_off, len(text), 0, 0, 4, 0),
                struct.pack('<IIQQQQIIQQ', 7, 2, 0, 0, sym_off, len(syms), 3, 1, 8, 24),
                struct.pack('<IIQQQQIIQQ', 15, 3, 0, 0, str_off, len(strtab), 0, 0, 1, 0),
                struct.pack('<IIQQQQIIQQ', 23, 3, 0, 0, shstr_off, len(shstrtab), 0, 0, 1, 0)]
    nsec = len(sections)
    ident = b'\x7fELF' + bytes([2, 1, 1, 0]) + b'\0' * 8
    eh = ident + struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, entry, phoff, sh_off if symbols else 0,
                             5, ehsize, phentsize, 1, shentsize, nsec if symbols else 0,
                             nsec - 1 if symbols else 0)
    ph = struct.pack('<IIQQQQQQ', 1, 5, text_off, entry, entry, len(text), 0x2000, 0x1000)
    out = bytearray(eh + ph + text)
    out += b'\0' * (sym_off - len(out)) + syms + strtab + shstrtab
    out += b'\0' * (sh_off - len(out))
    if symbols:
        out += b''.join(sections)
    return bytes(out)


def linux_image(size=0x400000):
    """The 64-byte header of a RISC-V Linux Image, then a little code."""
    hdr = struct.pack('<IIQQQIIQ8sI4s', 0x0000006f, 0, 0x200000, size, 0, 2, 0, 0,
                      b'RISCV\0\0\0', 0, b'RSC\x05')
    hdr += b'\0' * (64 - len(hdr))
    return hdr + struct.pack('<I', 0x0000006f) * 16


minimal = elf()
put('elf', 'minimal', minimal)
put('elf', 'no-symbols', elf(symbols=False))
# fuzz-kernel: the first byte picks the loader (0 kernel, 1 firmware, 2 initrd).
put('kernel', 'image', b'\0' + linux_image())
put('kernel', 'image.gz', b'\0' + gzip.compress(linux_image(), mtime=0))
put('kernel', 'elf', b'\0' + minimal)
put('kernel', 'firmware-elf', b'\1' + minimal)
put('kernel', 'firmware-flat', b'\1' + struct.pack('<I', 0x0000006f) * 4)
put('kernel', 'initrd', b'\2' + gzip.compress(b'070701' + b'0' * 104, mtime=0))

put('machine-ini', 'demo.ini', b'''[machine]
name=Demo
arch=riscv64
board=riscv64-virt
cpus=2
memory=512M
console=serial

[boot]
firmware=default
kernel=Image
initrd=initramfs.cpio.gz
cmdline=console=ttyS0 earlycon=sbi

[disk 0]
path=disk.img
readonly=false

[disk 1]
path=/tmp/cd.iso
readonly=true
''')
put('machine-ini', 'bare.ini', b'[machine]\narch=riscv64\ncpus=1\nmemory=16M\nconsole=virtio\n'
    b'[boot]\nfirmware=none\nkernel=test.elf\n')


def mmio(steps):
    """fuzz-mmio steps: (device, op, offset, value)."""
    return b''.join(struct.pack('<BBHBQB', d, op, off & 0xffff, off >> 16, v, 0)
                    for d, op, off, v in steps)


LOAD4, STORE4, STORE8, LOAD8 = 0 << 3 | 2 << 1, 2 << 3 | 2 << 1, 2 << 3 | 3 << 1, 0 << 3 | 3 << 1
put('mmio', 'clint', mmio([(0, STORE4, 0, 1), (0, LOAD4, 0, 0), (0, STORE8, 0x4000, 100),
                           (0, LOAD8, 0xbff8, 0), (0, 8 << 3, 0, 10**6), (0, LOAD8, 0x4008, 0)]))
put('mmio', 'plic', mmio([(1, STORE4, 4 * 10, 7), (1, STORE4, 0x2000, 1 << 10),
                          (1, STORE4, 0x200000, 0), (1, 5 << 3 | 1, 0, 9),
                          (1, LOAD4, 0x200004, 0), (1, STORE4, 0x200004, 10),
                          (1, LOAD4, 0x1000, 0)]))
STORE1, LOAD1 = 2 << 3, 0
put('mmio', 'uart', mmio([(2, STORE1, 3, 0x80), (2, STORE1, 0, 1), (2, STORE1, 3, 3),
                          (2, STORE1, 1, 0xf), (2, STORE1, 0, ord('x')), (2, 6 << 3, 3, 0x41424344),
                          (2, LOAD1, 5, 0), (2, LOAD1, 0, 0), (2, LOAD1, 2, 0),
                          (2, 7 << 3 | 1, 0, 0), (2, STORE1, 0, ord('y')), (2, 7 << 3, 0, 0)]))
put('mmio', 'rtc', mmio([(3, LOAD4, 0, 0), (3, LOAD4, 4, 0), (3, STORE4, 0x0c, 0),
                         (3, STORE4, 0x08, 1000), (3, STORE4, 0x00, 0), (3, STORE4, 0x10, 1),
                         (3, LOAD4, 0x14, 0), (3, STORE4, 0x1c, 1), (3, 9 << 3, 0, 0)]))


def virtio(setup, steps):
    """fuzz-virtio: setup byte, then (op, queue, index, value, extra) steps."""
    return bytes([setup]) + b''.join(struct.pack('<BBBQH', *s) for s in steps)


RAM = 0x80000000
data = 0x80000 + 0x100  # offset into the data area the fuzzer uses for well-formed buffers
# rng: one writable buffer, published and notified.
put('virtio', 'rng', virtio(0, [(3 | 2 << 4, 0, 0, 0x100, 64), (4, 0, 0, 0, 0), (1, 0, 0, 0, 0x60)]))
# console: output on queue 1, input on queue 0, host input.
put('virtio', 'console', virtio(1, [(3 | 2 << 4, 0, 0, 0x200, 16), (4, 0, 0, 0, 0),
                                    (9, 0, 3, 0x6f6c6c6568, 0), (3, 1, 0, 0x300, 5),
                                    (4, 1, 0, 0, 0)]))
# blk: a read request: header (16 bytes), a 512-byte buffer, a status byte.
put('virtio', 'blk', virtio(2 | 0x10, [(7, 0, 0, (0x80000 + 0x100) << 32, 0),
                                       (3 | 1 << 4, 0, 0, 0x100, 15), (3 | 3 << 4, 0, 1, 0x200, 511),
                                       (3 | 2 << 4, 0, 2, 0x400, 0), (4, 0, 0, 0, 0),
                                       (1, 0, 0, 0, 0x70)]))
# input (the power button): an event buffer, a press from the host, a status buffer.
put('virtio', 'input', virtio(3, [(3 | 2 << 4, 0, 0, 0x100, 7), (4, 0, 0, 0, 0),
                                  (9, 0, 1, 0, 0), (3, 1, 0, 0x200, 7), (4, 1, 0, 0, 0)]))
# gpu: GET_DISPLAY_INFO (the type written into the request), its response buffer.
put('virtio', 'gpu', virtio(0x40, [(7, 0, 0, (0x80000 + 0x100) << 32, 0x0100),
                                   (3 | 1 << 4, 0, 0, 0x100, 23), (3 | 2 << 4, 0, 1, 0x300, 407),
                                   (4, 0, 0, 0, 0), (9, 0, 0, (600 << 32) | 800, 0)]))
# snd: SET_PARAMS (S16, stereo, 48 kHz, 648-byte periods), PREPARE and START on the output
# stream through the host side's control requests, then a tx buffer: stream id, one period,
# status.
put('virtio', 'snd', virtio(0x80, [(9, 0, 3, (7 << 32) | (5 << 24) | (1 << 16) | 0x50, 16),
                                   (9, 0, 4, 0, 0), (9, 0, 5, 0, 0),
                                   (3 | 1 << 4, 2, 0, 0x1000, 3), (3 | 1 << 4, 2, 1, 0x2000, 647),
                                   (3 | 2 << 4, 2, 2, 0x3000, 7), (4, 2, 0, 0, 0)]))
put('virtio', 'blk-indirect', virtio(2 | 0x30, [(8, 0, 0, RAM + 0x80100, 0),
                                                (2, 0, 0, (16 << 32) | (RAM + 0x40000), 0),
                                                (4, 0, 0, 0, 0)]))


def iso(platforms, loader, rr_name=None):
    """fuzz-iso: an ISO 9660 image of 23 sectors: the primary volume descriptor, an El Torito
    boot record and catalog (a bootable entry for each platform id), and /EFI/BOOT holding
    loader (with rr_name as its Rock Ridge name)."""
    sector = 2048
    img = bytearray(23 * sector)

    def both16(v):
        return struct.pack('<H', v) + struct.pack('>H', v)

    def both32(v):
        return struct.pack('<I', v) + struct.pack('>I', v)

    def record(name, extent, size, directory, nm=None):
        su = b''
        if nm:
            su = b'NM' + bytes([5 + len(nm), 1, 0]) + nm
        body = (b'\0' + both32(extent) + both32(size) + bytes(7) + bytes([2 if directory else 0, 0, 0]) +
                both16(1) + bytes([len(name)]) + name)
        if len(name) % 2 == 0:
            body += b'\0'
        body += su
        return bytes([len(body) + 1]) + body

    def directory(at, entries):
        data = record(b'\0', at, sector, True) + record(b'\1', 20, sector, True) + b''.join(entries)
        img[at * sector:at * sector + len(data)] = data

    pvd = bytearray(sector)
    pvd[0:7] = b'\1CD001\1'
    pvd[80:88] = both32(23)
    pvd[128:132] = both16(sector)
    pvd[156:190] = record(b'\0', 20, sector, True)
    img[16 * sector:17 * sector] = pvd
    boot = bytearray(sector)
    boot[0:7] = b'\0CD001\1'
    boot[7:30] = b'EL TORITO SPECIFICATION'
    boot[71:75] = struct.pack('<I', 19)
    img[17 * sector:18 * sector] = boot
    img[18 * sector:18 * sector + 7] = b'\xffCD001\1'
    cat = bytearray(sector)
    cat[0], cat[1], cat[30], cat[31] = 1, platforms[0], 0x55, 0xaa
    cat[28:30] = struct.pack('<H', -sum(struct.unpack('<16H', bytes(cat[:32]))) & 0xffff)
    cat[32] = 0x88
    at = 64
    for i, platform in enumerate(platforms[1:]):
        cat[at:at + 4] = bytes([0x91 if i == len(platforms) - 2 else 0x90, platform]) + \
            struct.pack('<H', 1)
        cat[at + 32] = 0x88
        at += 64
    img[19 * sector:20 * sector] = cat
    directory(20, [record(b'EFI', 21, sector, True)])
    directory(21, [record(b'BOOT', 22, sector, True)])
    directory(22, [record(loader, 0, 0, False, rr_name)])
    return bytes(img)


put('iso', 'x86', iso([0x00, 0xef], b'BOOTX64.EFI;1'))
put('iso', 'riscv64', iso([0xef], b'BOOTRISC.EFI;1', b'BOOTRISCV64.EFI'))


def udp4(src, dst, sport, dport, body):
    """An Ethernet frame with an IPv4/UDP datagram (checksums left 0: the code reads no
    checksum)."""
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 28 + len(body), 0, 0, 64, 17, 0,
                     bytes(src), bytes(dst))
    udp = struct.pack('>HHHH', sport, dport, 8 + len(body), 0)
    return b'\x52\x55\x0a\x00\x02\x03' + b'\x52\x54\x00\x12\x34\x56' + b'\x08\x00' + ip + udp + body


def dns_query(name, qtype):
    q = struct.pack('>HHHHHH', 0xbeef, 0x0100, 1, 0, 0, 0)
    for label in name.split('.'):
        q += bytes([len(label)]) + label.encode()
    return q + b'\0' + struct.pack('>HH', qtype, 1)


put('net-frames', 'dns-a', udp4([10, 0, 2, 15], [10, 0, 2, 3], 40000, 53,
                                dns_query('host.vireo.internal', 1)))
put('net-frames', 'dns-aaaa', udp4([10, 0, 2, 15], [10, 0, 2, 3], 40000, 53,
                                   dns_query('host.vireo.internal', 28)) + b'\0')
ack = bytearray(300)
ack[0:4] = b'\x02\x01\x06\x00'
ack[16:20] = bytes([10, 0, 2, 15])
ack[236:240] = b'\x63\x82\x53\x63'
ack[240:246] = b'\x35\x01\x05\x00\x00\xff'
put('net-frames', 'dhcp-ack', udp4([10, 0, 2, 2], [255, 255, 255, 255], 67, 68, bytes(ack)))
