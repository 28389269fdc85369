/**
 * Medical imaging web products, recognised from what their web server answers.
 * Each matcher reads one parsed field (the <title> text, the authentication
 * realm, a header value, the favicon's SHA-256) and is anchored at both ends,
 * so a page that merely mentions a product is not taken for it. A plain web
 * server matches none of these and is not reported.
 */
export type PortalMatcher =
  | { readonly on: 'title'; readonly pattern: RegExp }
  | { readonly on: 'realm'; readonly pattern: RegExp }
  | { readonly on: 'header'; readonly name: string; readonly pattern: RegExp }
  | { readonly on: 'favicon'; readonly sha256: string };

export interface PortalSignature {
  readonly id: string;
  readonly product: string;
  /** The path fetched for this signature when the root page matched nothing. */
  readonly path: string;
  readonly matcher: PortalMatcher;
  /** Capture group 1 of the pattern is the product version. */
  readonly versionInGroup?: boolean;
  readonly confidence: 'certain' | 'likely';
  readonly source: string;
}

export const PORTAL_SIGNATURES: readonly PortalSignature[] = [
  {
    id: 'orthanc-realm',
    product: 'Orthanc',
    path: '/',
    matcher: { on: 'realm', pattern: /^Orthanc Secure Area$/ },
    confidence: 'certain',
    source: 'WWW-Authenticate of Orthanc 1.10.1 (Debian 12) with AuthenticationEnabled, seen in the lab',
  },
  {
    id: 'orthanc-explorer',
    product: 'Orthanc',
    path: '/app/explorer.html',
    matcher: { on: 'title', pattern: /^Orthanc Explorer$/ },
    confidence: 'certain',
    source: 'Orthanc 1.10.1 OrthancExplorer/explorer.html, seen in the lab; the path is in the Orthanc Windows installer README',
  },
  {
    id: 'orthanc-favicon',
    product: 'Orthanc',
    path: '/favicon.ico',
    matcher: { on: 'favicon', sha256: '08b044c04268ca5cbcff9ab63ba26f1bdc179adf01ec98b733b3cf9b37286f54' },
    confidence: 'likely',
    source: 'Orthanc Explorer icon (OrthancExplorer/images/favicon.ico) served by Orthanc 1.10.1 (Debian 12) via /favicon.ico, seen in the lab',
  },
  {
    id: 'orthanc-explorer-2',
    product: 'Orthanc',
    path: '/ui/app/',
    matcher: { on: 'title', pattern: /^Orthanc Explorer 2$/ },
    confidence: 'certain',
    source: 'orthanc-server/orthanc-explorer-2 WebApplication/index.html; served under /ui/app/ by the plugin',
  },
  {
    id: 'ohif-viewer',
    product: 'OHIF Viewer',
    path: '/',
    matcher: { on: 'title', pattern: /^OHIF Viewer$/ },
    confidence: 'likely',
    source: 'OHIF Viewers platform/app HTML template title; many deployments keep it',
  },
  {
    id: 'dcm4chee-arc-ui',
    product: 'dcm4chee-arc',
    path: '/dcm4chee-arc/ui2/',
    matcher: { on: 'title', pattern: /^dcm4chee-arc-ui$/ },
    confidence: 'certain',
    source: 'dcm4che/dcm4chee-arc-light dcm4chee-arc-ui2/src/index.html',
  },
  {
    id: 'conquest-web',
    product: 'Conquest DICOM server',
    path: '/cgi-bin/dgate',
    matcher: { on: 'title', pattern: /^Conquest DICOM server - version ([0-9][0-9A-Za-z.]{0,15})$/ },
    versionInGroup: true,
    confidence: 'certain',
    source: 'Conquest dgate web interface (dgate.cpp and its Lua web pages): "<title>Conquest DICOM server - version …"',
  },
  {
    id: 'osirix-web-portal',
    product: 'OsiriX Web Portal',
    path: '/',
    matcher: { on: 'title', pattern: /^OsiriX Web Portal$/ },
    confidence: 'likely',
    source: 'OsiriX WebPortal sources: default PageTitle "OsiriX Web Portal" (WebPortalTitle unset); default port 3333',
  },
  {
    id: 'osirix-realm',
    product: 'OsiriX Web Portal',
    path: '/',
    matcher: { on: 'realm', pattern: /^OsiriX Web Portal \(/ },
    confidence: 'certain',
    source: 'OsiriX WebPortalConnection realm: "OsiriX Web Portal (address - date)"',
  },
  {
    id: 'horos-web-portal',
    product: 'Horos Web Portal',
    path: '/',
    matcher: { on: 'title', pattern: /^Horos Web Portal$/ },
    confidence: 'likely',
    source: 'Horos WebPortal sources: default title "Horos Web Portal"; Greenbone gb_horos_detect.nasl detects the same portal',
  },
  {
    id: 'dicoogle-web',
    product: 'Dicoogle',
    path: '/',
    matcher: { on: 'title', pattern: /^Dicoogle(?: Web)?$/ },
    confidence: 'likely',
    source: 'bioinformatics-ua/dicoogle webapp index.jsp title "Dicoogle Web"',
  },
];

/** Paths fetched, in order, while nothing has matched: the root first, then each signature's own path once. */
export function signaturePaths(signatures: readonly PortalSignature[] = PORTAL_SIGNATURES): string[] {
  return [...new Set(['/', ...signatures.map((s) => s.path)])];
}
