/**
 * Seeds for the text targets: a QIDO-RS page in the DICOM JSON model
 * (PS3.18 F.2), FTP listings and replies in the forms servers write by
 * default, ZMap and masscan output lines, target specs. Values are made up.
 */
type Seeds = Record<string, Buffer>;

function text(entries: Record<string, string>): Seeds {
  return Object.fromEntries(Object.entries(entries).map(([name, t]) => [name, Buffer.from(t, 'utf8')]));
}

export function qidoSeeds(): Seeds {
  const study = {
    '00080020': { vr: 'DA', Value: ['20200101'] },
    '00080061': { vr: 'CS', Value: ['CT', 'MR'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'ANON^FUZZ' }] },
    '00100020': { vr: 'LO', Value: ['FUZZ-1'] },
    '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.9.1'] },
    '00201206': { vr: 'IS', Value: [2] },
    '00201208': { vr: 'IS', Value: ['12'] },
    '00081115': { vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: ['1.2.3'] } }] },
    '00091010': { vr: 'OB', InlineBinary: 'AAEC' },
    '00091011': { vr: 'OB', BulkDataURI: 'http://127.0.0.1/bulk/1' },
    '00080050': { vr: 'SH' },
  };
  return text({
    'two-studies': JSON.stringify([study, { '00100020': { vr: 'LO', Value: ['FUZZ-2'] }, '00201208': { vr: 'IS', Value: [0] } }]),
    'empty-page': '[]',
    'aets': JSON.stringify([{ dicomAETitle: 'DCM4CHEE' }, { dicomAETitle: 'STORESCP' }, { dicomAETitle: 'bad title!' }]),
    'error-object': '{"errorMessage":"not found"}',
  });
}

export function ftpListingSeeds(): Seeds {
  return text({
    unix: 'total 8\r\ndrwxrwxrwx    2 ftp      ftp          4096 Jan 01  2020 scans\r\n-rw-r--r--    1 ftp      ftp        132000 Jan 01 12:00 IM00001.dcm\r\nlrwxrwxrwx    1 0        0               7 Jan 01 12:00 latest -> scans\r\n',
    dos: '01-01-20  12:00PM       <DIR>          scans\r\n01-01-20  12:00PM               132000 IM00001.dcm\r\n',
    mlsd: 'type=cdir;perm=flcdmpe;modify=20200101120000; .\r\ntype=dir;perm=flcdmpe;modify=20200101120000; scans\r\ntype=file;size=132000;perm=adfrw;modify=20200101120000;unix.mode=0644; IM00001.dcm\r\n',
  });
}

export function ftpReplySeeds(): Seeds {
  return text({
    vsftpd: '220 (vsFTPd 3.0.3)\r\n',
    proftpd: '220 ProFTPD 1.3.5e Server (Debian) [::ffff:127.0.0.1]\r\n',
    'pure-ftpd': '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n220-You are user number 1 of 50 allowed.\r\n220 This is a private system - No anonymous login\r\n',
    filezilla: '220-FileZilla Server 1.8.0\r\n220 Please visit https://filezilla-project.org/\r\n',
    iis: '220 Microsoft FTP Service\r\n',
    pasv: '227 Entering Passive Mode (127,0,0,1,195,80).\r\n',
    epsv: '229 Entering Extended Passive Mode (|||50000|)\r\n',
    'login-incorrect': '530 Login incorrect.\r\n',
    transfer: '150 Here comes the directory listing.\r\n226 Directory send OK.\r\n',
  });
}

/** Small text files as a share holds them: a miner's config, a note in UTF-16 with a BOM, a plain report. Made up. */
export function shareTextSeeds(): Seeds {
  return {
    ...text({
      'miner-config': '{"donate-level":1,"pools":[{"url":"stratum+tcp://pool.fuzz.invalid:3333","user":"fuzz","keepalive":true}]}\n',
      'report': 'Reading report\r\nPatient: ANON^FUZZ ID FUZZ-1\r\nNo acute findings.\r\n',
    }),
    'note-utf16': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("ATTENTION!\r\nDon't worry, you can return all your files!\r\n", 'utf16le')]),
  };
}

export function resultLineSeeds(): Seeds {
  return text({
    'zmap-csv': 'saddr,sport,classification,success\n127.0.0.2,104,synack,1\n127.0.0.3,4242,rst,0\n127.0.0.4,11112,synack,1\n',
    'zmap-plain': '127.0.0.2\n\n127.0.0.3\r\n2001:DB8::1\n',
    'masscan-list': '#masscan\nopen tcp 104 127.0.0.2 1700000000\nopen udp 161 127.0.0.3 1700000000\nbanner tcp 104 127.0.0.2 1700000001 dicom x\n# end\n',
    'masscan-json': '[\n{   "ip": "127.0.0.2",   "timestamp": "1700000000", "ports": [ {"port": 104, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] }\n,\n{"finished": 1}\n]\n',
    'masscan-ndjson': '{"ip":"127.0.0.5","timestamp":"1","port":11112,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}\n{"ip":"127.0.0.5","timestamp":"1","port":104,"proto":"tcp","rec_type":"banner","data":{}}\n',
  });
}

export function targetSpecSeeds(): Seeds {
  return text({
    ipv4: '10.0.0.1',
    'ipv4-cidr': '10.0.0.0/24',
    'ipv4-range': '10.0.0.1-10.0.0.9',
    ipv6: '2001:db8::1',
    'ipv6-cidr': '2001:db8::/112',
    'ipv6-range': '2001:db8::1 - 2001:db8::ff',
    'ipv4-mapped': '::ffff:10.0.0.1',
    hostname: 'pacs.example.org.',
  });
}
