/**
 * The report from inside every running container of a host, read ON THE HOST in one process
 * (the host's own perl, from perl-base, which Debian marks Essential), instead of one
 * `lxc-attach` + `sh` + `dpkg-query` + `find` per container: nothing of a container runs, and
 * what the report says no longer depends on the container's own binaries.
 *
 * `perl -e SCRIPT LXCPATH N PKG1..PKGN NAME PID NAME PID ...` (PID: the container's
 * init as LXC names it, host PID), the packages' file lists (the host's) on stdin, read only when
 * some mapping is stale. For each container it prints these lines (once printed by a script run
 * inside each container), each prefixed `::hostroot-inside NAME ` by this script, in the same words:
 * - `sees PKG VERSION` (`-`: not installed): the container's own dpkg database as the container
 *   sees it — its `/var/lib/dpkg/status` (and dpkg's `updates/` journal) opened through
 *   `/proc/PID/root` with `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`, so every symlink,
 *   absolute or `..`, resolves inside the container's root and mount namespace (a plain open of
 *   `/proc/PID/root/var/lib/dpkg/status` would follow an absolute symlink planted there into the
 *   HOST's root). The file is first opened `O_PATH` (no side effect), and read only when it is a
 *   regular file (a device node or FIFO planted there is never opened), at most 64 MiB. A delta
 *   that shadows /var/lib/dpkg shows here, as from inside. A version outside dpkg's alphabet is `?`.
 * - `stale-map PID COMM FILE`, `unknown-map PID COMM`, `stale N`, `unknown N`, `end`: every
 *   process of the container — those in its init's PID namespace and in any namespace nested
 *   below it (found with NS_GET_PARENT) — has its mappings read through `/proc/PID/map_files`
 *   (stat and readlink only: a mapped file is never opened). A mapped file of the packages whose
 *   link count is 0 was replaced by dpkg; a process whose mappings cannot be read is unknown, never
 *   clean (fail closed); the container's rootfs mount point (`LXCPATH/NAME/rootfs`) is taken off
 *   a mapped path that shows it; dpkg's merged-/usr `/lib/...` also matches `/usr/lib/...`.
 * The init PID is believed only when it is the init (PID 1) of a PID namespace other than the
 * host's; otherwise the report is `stale 0`, `unknown 1`, `end` with no version: never clean.
 * Bounded as a container's report always was: control characters dropped, at most
 * `lineLimit` lines of `lineBytes` bytes, beyond either
 * `::hostroot-inside-cut NAME` (the report then counts as incomplete). `HOSTROOT_PROC` replaces
 * `/proc` for tests.
 */
export function hostInspectScript(lineLimit: number, lineBytes: number): string {
  if (!Number.isSafeInteger(lineLimit) || !Number.isSafeInteger(lineBytes))
    throw new Error("hostInspectScript: bad limits");
  return String.raw`use strict;
my $P = $ENV{HOSTROOT_PROC} || "/proc";
my ($lxc, $np, @a) = @ARGV;
my @pkgs = splice(@a, 0, $np);
my %want = map { ($_, 1) } @pkgs;
# openat2(2) is 437 on every architecture; O_PATH is the generic value (x86-64, arm64).
my ($O_PATH, $O_DIR, $O_CLOEXEC) = (010000000, 0200000, 02000000);
my ($NO_MAGIC, $NO_SYMLINKS, $BENEATH, $IN_ROOT) = (0x02, 0x04, 0x08, 0x10);
# True when the last at2 failed with ENOENT (2 on Linux), read at once: loading Errno would clobber errno.
my $noent;
# The path is copied to a plain string: syscall passes a value once used as a number as an int.
sub at2 { my ($d, $f, $r) = @_[0, 2, 3]; my $p = "$_[1]"; my $how = pack("QQQ", $f | $O_CLOEXEC, 0, $r); my $fd = syscall(437, $d, $p, $how, length $how); $noent = $fd < 0 && $! + 0 == 2; return $fd }
sub shut { my $fd = shift; if ($fd >= 0 && open(my $h, "<&=", $fd)) { close $h } }
my $LIMIT = 64 << 20;
# Reads a regular file opened O_PATH as fd; undef when it is not one or is too big.
sub slurp {
  my $fd = shift;
  my $p = "/proc/self/fd/$fd";
  return undef unless -f $p && (-s _) <= $LIMIT;
  open(my $h, "<", $p) or return undef;
  local $/;
  my $t = <$h>;
  close $h;
  return defined $t && length($t) <= $LIMIT ? $t : undef;
}
# Package -> version of the first installed instance in dpkg's format (a later text overrides).
sub parse {
  my ($t, $v, $update) = @_;
  for my $s (split /\n[ \t]*\n/, $t) {
    my ($p) = $s =~ /^Package:[ \t]*(\S+)/m;
    next unless defined $p && $want{$p};
    my ($st) = $s =~ /^Status:[ \t]*(.*?)[ \t]*$/m;
    my ($ver) = $s =~ /^Version:[ \t]*(.*?)[ \t]*$/m;
    if (defined $st && $st =~ /^\S+ \S+ installed$/ && defined $ver) { $v->{$p} = $ver if $update || !exists $v->{$p} }
    elsif ($update) { delete $v->{$p} }
  }
}
# The container's dpkg database through its root: undef when it cannot be read as it would be.
sub versions {
  my $pid = shift;
  my $root = at2(-100, "$P/$pid/root", $O_PATH | $O_DIR, 0);
  return undef if $root < 0;
  my %v;
  my $ok = 1;
  my $fd = at2($root, "var/lib/dpkg/status", $O_PATH, $IN_ROOT | $NO_MAGIC);
  if ($fd >= 0) {
    my $t = slurp($fd);
    shut($fd);
    if (defined $t) { parse($t, \%v) } else { $ok = 0 }
  } elsif (!$noent) { $ok = 0 }
  my $ud = at2($root, "var/lib/dpkg/updates", $O_PATH | $O_DIR, $IN_ROOT | $NO_MAGIC);
  if ($ok && $ud >= 0 && opendir(my $d, "/proc/self/fd/$ud")) {
    for my $e (sort { $a <=> $b } grep { /^[0-9]{1,10}$/ } readdir $d) {
      my $f = at2($ud, $e, $O_PATH, $BENEATH | $NO_SYMLINKS | $NO_MAGIC);
      my $t = $f >= 0 ? slurp($f) : undef;
      shut($f);
      if (!defined $t) { $ok = 0; last }
      parse($t, \%v, 1);
    }
    closedir $d;
  }
  shut($ud);
  shut($root);
  return $ok ? \%v : undef;
}
sub comm { my $c = ""; if (open(my $h, "<", "$P/$_[0]/comm")) { $c = <$h> // ""; close $h } chomp $c; $c =~ s/[^A-Za-z0-9._-]/_/g; return length $c ? substr($c, 0, 64) : "-" }
# A process's PID as the container sees it (NSpid's entry at the container's level): the report
# speaks from inside.
sub cpid { my $q = shift; my $st = ""; if (open(my $h, "<", "$P/$q/status")) { local $/; $st = <$h> // ""; close $h } my ($l) = $st =~ /^NSpid:[ \t]*(.*)$/m; my @f = split " ", $l // ""; return @f >= 2 && $f[1] =~ /^[0-9]{1,10}$/ ? $f[1] : $q }
sub nsino { my $l = readlink($_[0]) // ""; return $l =~ /^pid:\[([0-9]+)\]$/ ? $1 : "" }
# Every process of the host and its PID namespace.
opendir(my $pd, $P) or exit 1;
my @all = grep { /^[0-9]+$/ } readdir $pd;
closedir $pd;
my %ns = map { ($_, nsino("$P/$_/ns/pid")) } @all;
my $self = nsino("/proc/self/ns/pid");
my (@order, %init, %owner);
while (@a >= 2) {
  my ($n, $pid) = splice(@a, 0, 2);
  push @order, $n;
  next unless $pid =~ /^[0-9]+$/ && $ns{$pid} ne "" && $ns{$pid} ne $self;
  my $st = "";
  if (open(my $h, "<", "$P/$pid/status")) { local $/; $st = <$h> // ""; close $h }
  next unless $st =~ /^NSpid:.*\s1$/m;
  $init{$n} = $pid;
  $owner{$ns{$pid}} = $n;
}
# Processes in a namespace nested below a container's: walk up with NS_GET_PARENT.
my %procs;
for my $pid (@all) {
  my $i = $ns{$pid};
  next if $i eq "" || $i eq $self;
  my $n = $owner{$i};
  if (!defined $n && open(my $h, "<", "$P/$pid/ns/pid")) {
    my @keep = ($h);
    for (1 .. 32) {
      my $fd = ioctl($keep[-1], 0xb702, 0);
      last unless defined $fd && open(my $ph, "<&=", int $fd);
      push @keep, $ph;
      my $ino = (stat $ph)[1];
      last if $ino eq $self;
      if (defined $owner{$ino}) { $n = $owner{$ino}; last }
    }
    close $_ for @keep;
  }
  push @{ $procs{$n} }, $pid if defined $n;
}
my ($list, %files);
sub listed {
  my $t = shift;
  if (!defined $list) { local $/; $list = <STDIN> // ""; %files = map { ($_, 1) } split /\n/, $list }
  return $files{$t} || ($t =~ m{^/usr(/.*)$} && $files{$1});
}
for my $n (@order) {
  my @out;
  my $pid = $init{$n};
  my $cut = 0;
  if (!defined $pid) { @out = ("stale 0", "unknown 1", "end") }
  else {
    my $v = versions($pid);
    if (defined $v) {
      for my $p (@pkgs) {
        my $x = $v->{$p};
        $x = "-" unless defined $x && length $x;
        $x = "?" unless $x =~ /^[A-Za-z0-9.+~:-]{1,256}$/;
        push @out, "sees $p $x";
      }
    }
    my $strip = "$lxc/$n/rootfs";
    my (%seen, %stale, %unknown, @lines);
    for my $q (sort { $a <=> $b } @{ $procs{$n} || [] }) {
      my $d;
      if (!opendir($d, "$P/$q/map_files")) { $unknown{$q} = 1 if -d "$P/$q"; next }
      for my $e (readdir $d) {
        next if $e =~ /^\./;
        my $l = "$P/$q/map_files/$e";
        my @st = stat $l;
        if (!@st) { $unknown{$q} = 1 if -d "$P/$q"; next }
        next if $st[3] != 0;
        my $t = readlink $l;
        if (!defined $t) { $unknown{$q} = 1 if -d "$P/$q"; next }
        $t =~ s/ \(deleted\)$//;
        $t = substr($t, length $strip) if index($t, "$strip/") == 0;
        next unless listed($t);
        next if $seen{"$q $t"}++;
        $stale{$q} = 1;
        push @lines, "stale-map " . cpid($q) . " " . comm($q) . " $t";
      }
      closedir $d;
    }
    my @unk = grep { -d "$P/$_" } sort { $a <=> $b } keys %unknown;
    push @out, @lines, (map { "unknown-map " . cpid($_) . " " . comm($_) } @unk), "stale " . scalar(keys %stale), "unknown " . scalar(@unk);
    push @out, "end" if defined $v;
  }
  my $i = 0;
  for my $l (@out) {
    if (++$i > ${lineLimit}) { print "::hostroot-inside-cut $n\n"; last }
    $l =~ s/[\000-\037\177]//g;
    if (length $l > ${lineBytes}) { print "::hostroot-inside-cut $n\n"; $l = substr($l, 0, ${lineBytes}) }
    print "::hostroot-inside $n $l\n";
  }
}
`;
}
