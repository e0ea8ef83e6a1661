#!/bin/sh
# Rebuild valuenet/views/static/sigma-bundle.min.js (sigma + graphology as one IIFE, window.vnSigma)
# from the versions pinned in package-lock.json. Needs Node and npm; the built file is committed, so
# installing, testing or using valuenet needs neither.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../valuenet/views/static/sigma-bundle.min.js
sigma=$(node -p 'require("./node_modules/sigma/package.json").version')
graphology=$(node -p 'require("./node_modules/graphology/package.json").version')
npx esbuild entry.js --bundle --minify --format=iife --target=es2019 --legal-comments=none --outfile=bundle.tmp.js
{
  echo "/*! sigma $sigma and graphology $graphology, bundled for valuenet by tools/vendor/build.sh (esbuild)."
  echo
  echo "sigma $sigma, https://www.sigmajs.org, MIT licence:"
  sed 's#\*/#* /#g' node_modules/sigma/LICENSE.txt
  echo
  echo "graphology $graphology, https://graphology.github.io, MIT licence:"
  sed 's#\*/#* /#g' node_modules/graphology/LICENSE.txt
  echo "*/"
  cat bundle.tmp.js
} >"$out"
rm bundle.tmp.js
# the page inlines this file in a <script> element: it must not contain a closing tag
if grep -qi -e '</script' -e '</style' "$out"; then echo "$out contains a closing tag" >&2; exit 1; fi
echo "wrote $out ($(wc -c <"$out") bytes)"
