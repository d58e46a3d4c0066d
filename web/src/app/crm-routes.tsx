import { lazy, Suspense, useSyncExternalStore } from 'react';
import { getPreviewRole, subscribePreviewRole } from '../lib/api/preview-role';
import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { TenantHome, TenantRoute } from './tenant-route';
import { RouteError } from './route-error';
import { FullPageSpinner } from '../components/status-views';

// Loaded only once a workspace renders for an owner or admin: the upgrade feature puts its banner in the layout's notice slot.
const UpgradeNotice = lazy(async () => ({ default: (await import('../features/template-upgrade/components/upgrade-notice')).UpgradeNotice }));
// "See the CRM as role X": a banner with the way out, above every screen while a preview is on.
const PreviewBanner = lazy(async () => ({ default: (await import('../features/access/components/preview-banner')).PreviewBanner }));

/** The upgrade banner is for the admin as themself: a preview shows what the previewed role sees. */
function UpgradeNoticeOutsidePreview() {
  const previewing = useSyncExternalStore(subscribePreviewRole, getPreviewRole, () => null) !== null;
  return previewing ? null : <UpgradeNotice />;
}
// The command palette and the sidebar's saved views load after the workspace frame, not with the first screen.
const CommandPalette = lazy(async () => ({ default: (await import('../features/search-views/components/command-palette')).CommandPalette }));
const SidebarViews = lazy(async () => ({ default: (await import('../features/search-views/components/sidebar-views')).SidebarViews }));

/**
 * The route tree shared by the standalone and embedded entries. Screens are
 * lazy so the first screen ships only what it needs.
 */
export function crmRoutes({ fixedTenantId }: { fixedTenantId: string | null }): RouteObject[] {
  return [
    {
      path: '/',
      errorElement: <RouteError />,
      // Shown while the first lazy screen loads on a deep link.
      hydrateFallbackElement: <FullPageSpinner />,
      children: [
        fixedTenantId
          ? { index: true, element: <Navigate to={`/t/${encodeURIComponent(fixedTenantId)}`} replace /> }
          : {
              index: true,
              lazy: async () => ({ Component: (await import('../features/tenants/components/tenant-picker-page')).TenantPickerPage }),
            },
        {
          path: 't/:tenantId',
          element: <TenantRoute />,
          children: [
            {
              lazy: async () => {
                const { WorkspaceLayout } = await import('../features/workspace/components/workspace-layout');
                return {
                  Component: () => (
                    <WorkspaceLayout
                      notice={<Suspense fallback={null}><PreviewBanner /><UpgradeNoticeOutsidePreview /></Suspense>}
                      search={<Suspense fallback={null}><CommandPalette /></Suspense>}
                      moduleExtras={(module) => <Suspense fallback={null}><SidebarViews module={module} /></Suspense>}
                    />
                  ),
                };
              },
              children: [
                { index: true, element: <TenantHome /> },
                {
                  path: 'dashboard/:dashboardId?',
                  lazy: async () => ({ Component: (await import('../features/dashboards/components/dashboard-page')).DashboardPage }),
                },
                {
                  path: 'm/:module',
                  // Saved views (bar, calendar, grouped table) fill the records page's slots: neither feature imports the other.
                  lazy: async () => {
                    const [{ RecordsPage }, { ViewBar }, { ViewBody }] = await Promise.all([
                      import('../features/records/components/records-page'),
                      import('../features/search-views/components/view-bar'),
                      import('../features/search-views/components/view-body'),
                    ]);
                    const slots = { Bar: ViewBar, Body: ViewBody };
                    return { Component: () => <RecordsPage slots={slots} /> };
                  },
                },
                {
                  path: 'm/:module/import/:jobId?',
                  // The jobs feature's polling and progress bar reach the import screens through a prop, so imports never imports it.
                  lazy: async () => {
                    const [{ ImportPage }, { useJob }, { JobProgress }] = await Promise.all([
                      import('../features/imports/components/import-page'),
                      import('../features/jobs/jobs-api'),
                      import('../features/jobs/job-progress'),
                    ]);
                    const jobs = { useJob, JobProgress };
                    return { Component: () => <ImportPage jobs={jobs} /> };
                  },
                },
                {
                  path: 'm/:module/new',
                  // The duplicates feature warns before a create, through the page's guard slot.
                  lazy: async () => {
                    const [{ RecordCreatePage }, { DuplicateGuard }] = await Promise.all([
                      import('../features/records/components/record-form-page'),
                      import('../features/duplicates/components/duplicate-guard'),
                    ]);
                    return { Component: () => <RecordCreatePage createGuard={DuplicateGuard} /> };
                  },
                },
                {
                  path: 'm/:module/r/:recordId',
                  // The workflows feature adds the record's tasks and runs through a slot, so records never imports it.
                  lazy: async () => {
                    const [{ RecordDetailPage }, { RecordAutomation }, { RecordActivity }] = await Promise.all([
                      import('../features/records/components/record-detail-page'),
                      import('../features/workflows/components/record-automation'),
                      import('../features/timeline/components/record-activity'),
                    ]);
                    return {
                      Component: () => (
                        <RecordDetailPage
                          sideSections={(record) => <RecordAutomation record={record} />}
                          mainSections={(module, record) => <RecordActivity module={module} record={record} />}
                        />
                      ),
                    };
                  },
                },
                {
                  path: 'm/:module/r/:recordId/edit',
                  lazy: async () => ({ Component: (await import('../features/records/components/record-form-page')).RecordEditPage }),
                },
                {
                  path: 'admin/fields/:module?',
                  lazy: async () => ({ Component: (await import('../features/admin/components/fields-admin-page')).FieldsAdminPage }),
                },
                {
                  path: 'admin/rules/:module?',
                  lazy: async () => ({ Component: (await import('../features/formulas/components/validation-rules-page')).ValidationRulesPage }),
                },
                {
                  path: 'admin/modules/new',
                  lazy: async () => ({ Component: (await import('../features/admin/components/module-create-page')).ModuleCreatePage }),
                },
                {
                  path: 'admin/settings',
                  lazy: async () => ({ Component: (await import('../features/admin/components/tenant-settings-page')).TenantSettingsPage }),
                },
                {
                  path: 'admin/upgrade',
                  lazy: async () => ({ Component: (await import('../features/template-upgrade/components/upgrade-page')).UpgradePage }),
                },
                {
                  path: 'admin/workflows/:module?',
                  lazy: async () => ({ Component: (await import('../features/workflows/components/workflows-page')).WorkflowsPage }),
                },
                {
                  path: 'admin/workflows/:module/new',
                  lazy: async () => ({ Component: (await import('../features/workflows/components/workflow-builder-page')).WorkflowBuilderPage }),
                },
                {
                  path: 'admin/workflows/:module/w/:workflowId',
                  lazy: async () => ({ Component: (await import('../features/workflows/components/workflow-builder-page')).WorkflowBuilderPage }),
                },
                {
                  path: 'admin/outbox',
                  lazy: async () => ({ Component: (await import('../features/workflows/components/outbox-page')).OutboxPage }),
                },
                {
                  path: 'admin/api-keys',
                  lazy: async () => ({ Component: (await import('../features/integrations/components/api-keys-page')).ApiKeysPage }),
                },
                {
                  path: 'admin/webhooks',
                  lazy: async () => ({ Component: (await import('../features/integrations/components/webhooks-page')).WebhooksPage }),
                },
                {
                  path: 'tasks',
                  lazy: async () => ({ Component: (await import('../features/workflows/components/tasks-page')).TasksPage }),
                },
                {
                  path: 'admin/permissions',
                  lazy: async () => ({ Component: (await import('../features/access/components/permissions-page')).PermissionsPage }),
                },
                {
                  path: 'admin/audit',
                  lazy: async () => ({ Component: (await import('../features/access/components/audit-log-page')).AuditLogPage }),
                },
                {
                  path: 'm/:module/merge',
                  // The merge runs as a job: the jobs feature's progress goes in through the page's slot.
                  lazy: async () => {
                    const [{ MergePage }, { JobProgressSlot }] = await Promise.all([
                      import('../features/duplicates/components/merge-page'),
                      import('./job-progress-slot'),
                    ]);
                    return { Component: () => <MergePage progress={JobProgressSlot} /> };
                  },
                },
                {
                  path: 'admin/duplicates/:module?',
                  lazy: async () => ({ Component: (await import('../features/duplicates/components/duplicate-rules-page')).DuplicateRulesPage }),
                },
              ],
            },
          ],
        },
        // The platform's template console: every screen lazy, so tenants never download it.
        {
          path: 'console',
          lazy: async () => ({ Component: (await import('../features/template-console/components/console-home-page')).ConsoleHomePage }),
        },
        {
          path: 'console/templates/:slug',
          lazy: async () => ({ Component: (await import('../features/template-console/components/template-page')).TemplatePage }),
        },
        {
          path: 'console/drafts/:draftId',
          lazy: async () => ({ Component: (await import('../features/template-console/components/draft-editor-page')).DraftEditorPage }),
        },
        { path: '*', element: <RouteError notFound /> },
      ],
    },
  ];
}
