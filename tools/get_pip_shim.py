# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip script that ansible-test downloads to bootstrap pip.

ansible-test runs it as: python quiet_pip.py --disable-pip-version-check pip==X [--no-setuptools] [--no-wheel]
Its download host cannot be reached here, but ansible-test uses a cached copy at
~/.ansible/test/cache/get_pip_<X>.py first; tools/setup.sh puts this file there.
"""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade", "--force-reinstall"] + args))
