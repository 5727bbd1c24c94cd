import { opts, type RootCategory, type VariantOption } from './types.ts';

const phoneMemory: VariantOption[] = [
  { label: '8GB+128GB', attrs: { ram: '8GB', storage: '128GB' }, factor: 1 },
  { label: '8GB+256GB', attrs: { ram: '8GB', storage: '256GB' }, factor: 1.15 },
  { label: '12GB+512GB', attrs: { ram: '12GB', storage: '512GB' }, factor: 1.35 },
];
const laptopMemory: VariantOption[] = [
  { label: '8GB/512GB', attrs: { ram: '8GB', ssd: '512GB' }, factor: 1 },
  { label: '16GB/512GB', attrs: { ram: '16GB', ssd: '512GB' }, factor: 1.15 },
  { label: '16GB/1TB', attrs: { ram: '16GB', ssd: '1TB' }, factor: 1.3 },
];

export const electronics: RootCategory = {
  slug: 'electronics',
  name: 'Electronics',
  code: 'ELEC',
  children: [
    {
      slug: 'mobile-phones',
      name: 'Mobile Phones',
      code: 'PHN',
      count: 48,
      price: [19900, 189900],
      lines: [
        { brands: ['Xiaomi'], items: ['Redmi 13C', 'Redmi A3', 'Redmi 13'], price: [19900, 29900] },
        { brands: ['Xiaomi'], items: ['Redmi Note 13', 'Redmi Note 13 Pro', 'Poco X6 Pro'], price: [29900, 55900] },
        { brands: ['Xiaomi'], items: ['14T Pro', '14 Ultra'], price: [89900, 139900] },
        { brands: ['OPPO'], items: ['A79', 'Reno11 F'], price: [24900, 44900] },
        { brands: ['OPPO'], items: ['Reno11 Pro', 'Find X7'], price: [69900, 119900] },
        { brands: ['vivo'], items: ['Y28', 'V30'], price: [22900, 54900] },
        { brands: ['vivo'], items: ['V30 Pro', 'X100 Pro'], price: [69900, 129900] },
        { brands: ['realme'], items: ['C67', '12 Pro', 'GT 6'], price: [19900, 69900] },
        { brands: ['Samsung'], items: ['Galaxy A15', 'Galaxy A35'], price: [24900, 49900] },
        { brands: ['Samsung'], items: ['Galaxy S24', 'Galaxy S24 Ultra'], price: [99900, 139900] },
        { brands: ['Infinix', 'Tecno'], items: ['Note 40', 'Spark 20', 'Hot 40'], price: [19900, 32900] },
      ],
      variants: [phoneMemory, opts('color', ['Midnight Black', 'Ocean Blue', 'Jade Green', 'Pearl White'])],
      descriptions: [
        '{name} with a bright AMOLED display, dual SIM and a battery that lasts a full day of commuting.',
        'The {brand} {item} pairs a fast processor with a 50MP main camera for night-market shots.',
        'Official local set of the {brand} {item}, unlocked for every Southeast Asian network.',
      ],
      extras: ['Comes with a 2-year local warranty.', 'Fast charger and clear case included in the box.'],
    },
    {
      slug: 'laptops',
      name: 'Laptops',
      code: 'LAP',
      count: 44,
      price: [49900, 399900],
      lines: [
        { brands: ['Lenovo'], items: ['IdeaPad Slim 3', 'IdeaPad Slim 5', 'ThinkPad E14', 'Legion 5'], price: [69900, 249900] },
        { brands: ['ASUS'], items: ['Vivobook 15', 'Zenbook 14 OLED', 'ROG Strix G16', 'TUF Gaming A15'], price: [59900, 299900] },
        { brands: ['Acer'], items: ['Aspire 5', 'Swift Go 14', 'Nitro V 15'], price: [59900, 179900] },
        { brands: ['HP'], items: ['Pavilion 14', 'Victus 15', 'EliteBook 840'], price: [79900, 239900] },
        { brands: ['Apple'], items: ['MacBook Air 13 M3', 'MacBook Pro 14 M3'], price: [149900, 399900] },
        { brands: ['Axioo'], items: ['MyBook 14', 'Hype 5'], price: [49900, 89900] },
      ],
      variants: [laptopMemory, opts('color', ['Arctic Grey', 'Midnight Blue', 'Silver'])],
      descriptions: [
        'The {brand} {item} is a light everyday laptop with a full-HD screen and a backlit keyboard.',
        '{name}: enough power for spreadsheets, streaming and a little gaming after work.',
        'A thin {brand} notebook with Wi-Fi 6 and USB-C charging, built for hot-desking and travel.',
      ],
      extras: ['Windows 11 Home preinstalled.', 'Ships with an SG three-pin charger.'],
    },
    {
      slug: 'audio',
      name: 'Audio',
      code: 'AUD',
      count: 44,
      price: [1990, 59900],
      lines: [
        { brands: ['Sony'], items: ['WH-1000XM5 Headphones', 'WF-C700N Earbuds', 'ULT Field 1 Speaker'], price: [12900, 59900] },
        { brands: ['JBL'], items: ['Tune 520BT Headphones', 'Flip 6 Speaker', 'Go 4 Speaker', 'Wave Beam Earbuds'], price: [4990, 19900] },
        { brands: ['Soundcore'], items: ['Liberty 4 NC Earbuds', 'Space One Headphones', 'Motion 300 Speaker'], price: [6990, 19900] },
        { brands: ['Xiaomi'], items: ['Redmi Buds 5', 'Redmi Buds 5 Pro'], price: [2990, 8990] },
        { brands: ['Suara'], items: ['Kampung Beats Earbuds', 'Pasar Mini Speaker', 'Kendang Bass Headphones'], price: [1990, 6990] },
      ],
      variants: [opts('color', ['Black', 'White', 'Sky Blue', 'Sand'])],
      descriptions: [
        '{name} with punchy bass and Bluetooth 5.3 for the MRT ride home.',
        'The {brand} {item} blocks out traffic noise and lasts up to 30 hours per charge.',
        'Splash-proof {brand} audio that survives a tropical downpour.',
      ],
      extras: ['Pairs with two devices at once.', 'USB-C charging cable included.'],
    },
    {
      slug: 'wearables',
      name: 'Smart Watches & Wearables',
      code: 'WRB',
      count: 40,
      price: [2990, 69900],
      lines: [
        { brands: ['Xiaomi'], items: ['Smart Band 9', 'Redmi Watch 4'], price: [4990, 14900] },
        { brands: ['Huawei'], items: ['Watch Fit 3', 'Band 9', 'Watch GT 4'], price: [6990, 39900] },
        { brands: ['Samsung'], items: ['Galaxy Watch6', 'Galaxy Fit3'], price: [7990, 49900] },
        { brands: ['Amazfit'], items: ['Bip 5', 'GTR 4', 'Balance'], price: [8990, 32900] },
        { brands: ['Garmin'], items: ['Forerunner 265', 'Venu Sq 2', 'Instinct 2'], price: [32900, 69900] },
      ],
      variants: [
        opts('color', ['Black', 'Pink', 'Olive', 'Silver']),
        [
          { label: '', attrs: { strap: 'silicone' } },
          { label: 'Leather Strap', attrs: { strap: 'leather' }, factor: 1.2 },
        ],
      ],
      descriptions: [
        '{name} tracks steps, sleep and heart rate, and buzzes for Grab and WhatsApp messages.',
        'The {brand} {item} has built-in GPS for runs along East Coast Park.',
        'A bright always-on display and 5 ATM water resistance for swims and sweaty workouts.',
      ],
      extras: ['Up to 10 days of battery life.', 'Works with Android and iOS.'],
    },
    {
      slug: 'phone-accessories',
      name: 'Phone Accessories',
      code: 'ACC',
      count: 44,
      price: [390, 8990],
      lines: [
        { brands: ['Anker', 'Baseus', 'Ugreen'], items: ['USB-C Cable 1.8m', 'Lightning Cable 1m', 'Foldable Phone Stand'], price: [890, 1990] },
        { brands: ['Anker', 'Baseus'], items: ['Nano Charger 20W', 'Wireless Charger 15W', 'Car Phone Mount'], price: [1990, 3990] },
        { brands: ['Anker', 'Baseus', 'Ugreen'], items: ['GaN 65W Charger', 'Power Bank 10000mAh', 'USB-C Hub 5-in-1'], price: [3990, 6990] },
        { brands: ['Lindung'], items: ['Tempered Glass Screen Protector', 'Shockproof Case', 'Clear Case', 'Camera Lens Protector'], price: [390, 1990] },
      ],
      variants: [opts('color', ['Black', 'White', 'Blue', 'Pink'])],
      descriptions: [
        '{name}: a well-made everyday accessory at a fair price.',
        'The {brand} {item} is certified safe and works with most Android phones and iPhones.',
        'Reliable {brand} gear for charging and protecting your phone on the go.',
      ],
      extras: ['12-month replacement warranty.', 'Ships in recyclable packaging.'],
    },
  ],
};
