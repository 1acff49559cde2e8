import { describe, expect, it } from 'vitest';
import { cleanCommand } from '../../../../src-main/tracer/child-link.js';

describe("a child process's command line, as its user wrote it", () => {
  it("cuts pydevd's rewrite of a spawned or exec'd child, and never keeps its access token", () => {
    expect(
      cleanCommand(
        '/usr/bin/python3 /usr/lib/python3/dist-packages/debugpy/_vendored/pydevd/pydevd.py --port 52697 --ppid 18243 --client 127.0.0.1 --access-token 0123abcd --debug-mode debugpy-dap --multiprocess --skip-notify-stdin --json-dap-http --file manage.py runserver 127.0.0.1:39219',
      ),
    ).toBe('/usr/bin/python3 manage.py runserver 127.0.0.1:39219');
    expect(
      cleanCommand(
        "/usr/bin/python3 -B -c import sys; sys.path.insert(0, r'/usr/lib/pydevd'); import pydevd; pydevd.config('http_json', 'debugpy-dap'); pydevd.settrace(host='127.0.0.1', port=50357, access_token=None, __setup_holder__={'client': '127.0.0.1', 'port': 50357}); from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=9, pipe_handle=15) --multiprocessing-fork",
      ),
    ).toBe('multiprocessing worker (spawn)');
    expect(cleanCommand('python x.py --access-token secret1 --client-access-token=secret2')).toBe(
      'python x.py --access-token … --client-access-token …',
    );
  });

  it("drops the debugpy launcher of a forked child's inherited command line", () => {
    expect(
      cleanCommand(
        '/usr/bin/python3 -Xfrozen_modules=off -m debugpy --listen 127.0.0.1:41007 --wait-for-client /srv/app/pool.py fork',
      ),
    ).toBe('/usr/bin/python3 /srv/app/pool.py fork');
    expect(
      cleanCommand('/usr/bin/python3 -c from multiprocessing.resource_tracker import main;main(8)'),
    ).toBe('multiprocessing resource tracker');
  });

  it('leaves any other command line as it is', () => {
    expect(cleanCommand('gunicorn: worker [app:app]')).toBe('gunicorn: worker [app:app]');
  });
});
