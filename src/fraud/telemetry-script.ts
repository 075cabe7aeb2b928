/**
 * The browser side of device fingerprinting: `window.GetTelemetryID()` resolves to a short-lived `telemetry_id`, as
 * Stytch's script does. It gathers the signals in this page (no third-party code, no eval, no inline styles, so a
 * strict CSP only needs to allow the script and a `connect-src` to the gateway) and posts them as a url-encoded
 * form, which is a CORS "simple" request: no preflight, and no cookie is sent or set.
 *
 * Canvas, WebGL, audio and font results are reduced to hashes here, in the browser; the gateway keeps none of the
 * values it receives, only keyed hashes of them and the warning flags they raise (docs/device-fingerprinting.md).
 * The only thing the script stores is a random visitor key in localStorage, from which the gateway derives
 * `visitor_id`, Stytch's cookie-based identifier.
 *
 * `base` is where to post: read from the script's own URL when served, or given when inlined (the redirect page).
 */
export function telemetryScript(base?: string): string {
  return (
    '(function(){' +
    (base === undefined
      ? "var me=document.currentScript,base=me&&me.src?me.src.replace(/v1\\/fingerprint\\/telemetry\\.js(\\?.*)?$/,''):'/';"
      : `var base=${JSON.stringify(base)};`) +
    SCRIPT_BODY +
    '})();'
  );
}

const SCRIPT_BODY = String.raw`
var w=window,n=navigator,d=document,pending;
function h(s){s=String(s);var a=0xdeadbeef,b=0x41c6ce57;for(var i=0;i<s.length;i++){var c=s.charCodeAt(i);a=Math.imul(a^c,2654435761);b=Math.imul(b^c,1597334677);}
a=Math.imul(a^(a>>>16),2246822507)^Math.imul(b^(b>>>13),3266489909);b=Math.imul(b^(b>>>16),2246822507)^Math.imul(a^(a>>>13),3266489909);
return('0000000'+(b>>>0).toString(16)).slice(-8)+('0000000'+(a>>>0).toString(16)).slice(-8);}
function tryit(f,v){try{var r=f();return r===undefined?v:r;}catch(e){return v;}}
function canvas(){var c=d.createElement('canvas');c.width=240;c.height=60;var x=c.getContext('2d');if(!x)return'';
x.textBaseline='top';x.font='16px Arial';x.fillStyle='#f60';x.fillRect(100,1,62,20);x.fillStyle='#069';x.fillText('Magic links \u2713 \ud83d\ude03',2,15);
x.fillStyle='rgba(102,204,0,0.7)';x.font='18px Times New Roman';x.fillText('Cwm fjordbank glyphs vext quiz',4,35);
x.globalCompositeOperation='multiply';x.fillStyle='rgb(255,0,255)';x.beginPath();x.arc(50,50,50,0,Math.PI*2,true);x.closePath();x.fill();
return h(c.toDataURL());}
function webgl(){var c=d.createElement('canvas'),g=c.getContext('webgl')||c.getContext('experimental-webgl');if(!g)return{};
var i=g.getExtension('WEBGL_debug_renderer_info'),p=[];
['MAX_TEXTURE_SIZE','MAX_RENDERBUFFER_SIZE','MAX_VERTEX_ATTRIBS','MAX_VIEWPORT_DIMS','ALIASED_LINE_WIDTH_RANGE','MAX_COMBINED_TEXTURE_IMAGE_UNITS','SHADING_LANGUAGE_VERSION','VERSION'].forEach(function(k){p.push(k+'='+String(g.getParameter(g[k])));});
return{vendor:String(i?g.getParameter(i.UNMASKED_VENDOR_WEBGL):g.getParameter(g.VENDOR)),renderer:String(i?g.getParameter(i.UNMASKED_RENDERER_WEBGL):g.getParameter(g.RENDERER)),
hash:h(p.join(';')+';'+(g.getSupportedExtensions()||[]).join(','))};}
function audio(){var A=w.OfflineAudioContext||w.webkitOfflineAudioContext;if(!A)return Promise.resolve('');
return new Promise(function(ok){try{var x=new A(1,5000,44100),o=x.createOscillator(),k=x.createDynamicsCompressor();o.type='triangle';o.frequency.value=10000;
k.threshold.value=-50;k.knee.value=40;k.ratio.value=12;k.attack.value=0;k.release.value=0.25;o.connect(k);k.connect(x.destination);o.start(0);
var t=setTimeout(function(){ok('');},1000);x.oncomplete=function(e){clearTimeout(t);var s=0,b=e.renderedBuffer.getChannelData(0);for(var i=4500;i<5000;i++)s+=Math.abs(b[i]);ok(h(s.toString()));};x.startRendering();}catch(e){ok('');}});}
var FONTS=['Arial','Arial Black','Calibri','Cambria','Candara','Comic Sans MS','Consolas','Courier New','DejaVu Sans','Droid Sans','Garamond','Georgia','Helvetica','Helvetica Neue','Impact','Liberation Sans','Lucida Console','Lucida Grande','Menlo','Monaco','Noto Sans','Palatino','Roboto','Segoe UI','Tahoma','Times New Roman','Trebuchet MS','Ubuntu','Verdana'];
function fonts(){var x=d.createElement('canvas').getContext('2d');if(!x)return[];var s='mmmmmmmmmmlli10OQ@#',base={};
['monospace','serif','sans-serif'].forEach(function(f){x.font='72px '+f;base[f]=x.measureText(s).width;});
return FONTS.filter(function(f){return['monospace','serif','sans-serif'].some(function(b){x.font='72px "'+f+'",'+b;return x.measureText(s).width!==base[b];});});}
function traces(){var t=[],k=['__playwright__binding__','__pwInitScripts','_phantom','callPhantom','__nightmare','domAutomation','domAutomationController','_selenium','__webdriver_evaluate','__selenium_unwrapped','__driver_evaluate','__webdriver_script_fn','__fxdriver_unwrapped','Cypress','__puppeteer_evaluation_script__'];
k.forEach(function(p){if(p in w)t.push(p);});
tryit(function(){Object.keys(d).forEach(function(p){if(/^\$?cdc_|^\$wdc_/.test(p))t.push('cdc');});});
return t;}
function visitorKey(){return tryit(function(){var s=w.localStorage,v=s.getItem('_mlt_visitor');
if(!/^[0-9a-f]{32}$/.test(v||'')){var b=new Uint8Array(16);w.crypto.getRandomValues(b);v=Array.prototype.map.call(b,function(x){return('0'+x.toString(16)).slice(-2);}).join('');s.setItem('_mlt_visitor',v);}
return v;},'');}
function uaData(){var u=n.userAgentData;if(!u)return Promise.resolve(null);var low={brands:(u.brands||[]).map(function(b){return b.brand+';'+b.version;}),mobile:!!u.mobile,platform:String(u.platform||'')};
if(!u.getHighEntropyValues)return Promise.resolve(low);
return u.getHighEntropyValues(['architecture','bitness','platformVersion','model']).then(function(v){low.architecture=String(v.architecture||'');low.bitness=String(v.bitness||'');low.platform_version=String(v.platformVersion||'');low.model=String(v.model||'');return low;},function(){return low;});}
function permissions(){if(!n.permissions||!w.Notification)return Promise.resolve('');
return n.permissions.query({name:'notifications'}).then(function(p){return Notification.permission+'/'+p.state;},function(){return'';});}
function gather(){var s=w.screen||{},gl=tryit(webgl,{});
return Promise.all([audio(),uaData(),permissions()]).then(function(r){return{v:1,
user_agent:n.userAgent,ua_data:r[1],platform:n.platform||'',vendor:n.vendor||'',
languages:tryit(function(){return Array.prototype.slice.call(n.languages||[]);},[]),language:n.language||'',
timezone:tryit(function(){return Intl.DateTimeFormat().resolvedOptions().timeZone;},''),timezone_offset:new Date().getTimezoneOffset(),
screen:[s.width,s.height,s.availWidth,s.availHeight,s.colorDepth,w.devicePixelRatio,w.outerWidth,w.outerHeight,w.innerWidth,w.innerHeight],
hardware_concurrency:n.hardwareConcurrency||0,device_memory:n.deviceMemory||0,max_touch_points:n.maxTouchPoints||0,
canvas:tryit(canvas,''),webgl_vendor:gl.vendor||'',webgl_renderer:gl.renderer||'',webgl:gl.hash||'',audio:r[0],fonts:tryit(fonts,[]),
webdriver:n.webdriver===true,traces:traces(),plugins:tryit(function(){return n.plugins.length;},0),chrome:'chrome' in w,
notifications:r[2],visitor_key:visitorKey()};});}
w.GetTelemetryID=function(){if(!pending){pending=gather().then(function(signals){
return fetch(base+'v1/fingerprint/telemetry',{method:'POST',body:new URLSearchParams({signals:JSON.stringify(signals)}),credentials:'omit',referrerPolicy:'no-referrer'});
}).then(function(r){if(!r.ok)throw new Error('telemetry refused: '+r.status);return r.json();}).then(function(b){pending=undefined;return b.telemetry_id;},function(e){pending=undefined;throw e;});}
return pending;};
`;
