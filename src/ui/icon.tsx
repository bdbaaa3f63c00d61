/**
 * Icons of both pages, from one maintained set (lucide). Decorative: hidden from screen readers, since
 * every control also has its words. Import the few used here, so the bundle carries only those.
 */
import type { LucideIcon } from 'lucide-preact';
import {
  AlertTriangle,
  Check,
  Download,
  Link2,
  Mail,
  Plus,
  RefreshCw,
  Search,
  Settings,
  ShieldCheck,
  Trash2,
  UserPlus,
  X,
} from 'lucide-preact';

const ICONS = {
  alert: AlertTriangle,
  check: Check,
  download: Download,
  link: Link2,
  mail: Mail,
  plus: Plus,
  refresh: RefreshCw,
  search: Search,
  settings: Settings,
  shield: ShieldCheck,
  trash: Trash2,
  userPlus: UserPlus,
  close: X,
} satisfies Record<string, LucideIcon>;

export type IconName = keyof typeof ICONS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  const Svg = ICONS[name];
  return <Svg size={size} aria-hidden="true" focusable="false" class="icon" strokeWidth={2} />;
}
