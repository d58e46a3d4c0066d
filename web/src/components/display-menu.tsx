import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../lib/i18n/init-i18n';
import { Menu } from './menu';
import { chooseTheme, nextTheme, storedTheme, type ThemeChoice } from './theme-toggle';

/**
 * Language and theme behind one button, for a phone's top bar where the
 * language select and the theme toggle do not fit beside the workspace name.
 */
export function DisplayMenu() {
  const { t, i18n } = useTranslation();
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const next = nextTheme(theme);
  return (
    <Menu
      label={t('shell.language')}
      testId="display-menu"
      entries={[
        ...LANGUAGES.map((language) => ({
          label: language.code === i18n.language ? `✓ ${language.name}` : language.name,
          onSelect: () => void i18n.changeLanguage(language.code),
          testId: `display-language-${language.code}`,
        })),
        {
          label: t('kit.theme.switch', { current: t(`kit.theme.${theme}`), next: t(`kit.theme.${next}`) }),
          onSelect: () => {
            chooseTheme(next);
            setTheme(next);
          },
          testId: 'display-theme',
        },
      ]}
    >
      <span aria-hidden="true">{i18n.language.toUpperCase()}</span>
    </Menu>
  );
}
